/**
 * @huggingface/jinja 0.5.11 ignores the argument of str.strip/lstrip/rstrip and always trims whitespace, so
 * Qwen3's `content.lstrip('\n')` also drops a leading space and the rendered text differs from transformers'
 * (test/unit/tokenizer.test.ts, record 7 with qwen3). This wraps those three methods to follow Python: with an
 * argument, only those characters are stripped. Applied once, when the tokenizer module loads.
 */
import { Environment } from '@huggingface/jinja';

interface RuntimeValue { value: unknown }
type Method = (args: RuntimeValue[]) => RuntimeValue;

let patched = false;

export function patchJinjaStrip(): void {
  if (patched) return;
  patched = true;
  const sample = new Environment().set('s', '') as unknown as RuntimeValue & { builtins: Map<string, unknown> };
  const StringValue = sample.constructor as new (value: string) => RuntimeValue;
  const strip = sample.builtins.get('strip') as { constructor: new (fn: Method) => unknown } | undefined;
  const proto = Object.getPrototypeOf(sample) as object;
  const original = Object.getOwnPropertyDescriptor(proto, 'builtins')?.get;
  if (!strip || !original) return; // a later version changed its internals: keep its own behaviour
  const FunctionValue = strip.constructor;
  Object.defineProperty(proto, 'builtins', {
    configurable: true,
    get(this: RuntimeValue) {
      const map = original.call(this) as Map<string, unknown>;
      if (!map.has('__tunelabStrip')) {
        const s = this.value as string;
        const method = (left: boolean, right: boolean): unknown => new FunctionValue((args) => {
          const chars = args[0]?.value;
          return new StringValue(typeof chars === 'string' ? stripChars(s, chars, left, right) : left && right ? s.trim() : left ? s.trimStart() : s.trimEnd());
        });
        map.set('strip', method(true, true)).set('lstrip', method(true, false)).set('rstrip', method(false, true)).set('__tunelabStrip', true);
      }
      return map;
    },
  });
}

function stripChars(s: string, chars: string, left: boolean, right: boolean): string {
  let a = 0, b = s.length;
  if (left) while (a < b && chars.includes(s[a])) a++;
  if (right) while (b > a && chars.includes(s[b - 1])) b--;
  return s.slice(a, b);
}
