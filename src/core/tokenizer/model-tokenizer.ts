/**
 * A model's own tokenizer and chat template, loaded from its folder (tokenizer.json + tokenizer_config.json), for
 * exact token counts and the rendered conversation the trainer sees. Tokenizing uses @huggingface/tokenizers (pure
 * JS, same ids as the Rust tokenizers) and templates @huggingface/jinja, so nothing here needs Python.
 * The pure JS tokenizer runs at about 0.5 MB/s: callers estimate first and count exactly only near a limit
 * (see tokenCounterFor).
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';
import { isJsonObject, type JsonObject } from '../dataset/format';
import { patchJinjaStrip } from './jinja-strip';
import { trainingInput, type ChatMessage, type TrainingInput } from './training-input';

patchJinjaStrip();

/** A tokenizer folder that cannot be used; the message says what to fix. */
export class TokenizerLoadError extends Error {}

export interface RenderOptions {
  /** Append the assistant header that prompts the model to answer (as for generation). Default false, as in training. */
  addGenerationPrompt?: boolean;
  /** The tool definitions the conversation offers (a chat record's `tools`). */
  tools?: readonly JsonObject[];
}

export type RecordTokens =
  | { kind: 'chat'; tokens: number; rendered: string }
  | { kind: 'text'; tokens: number }
  /** The trainer skips the record (reason as the trainer words it), or the template cannot render it. */
  | { kind: 'skip'; reason: string };

/** What a record refused for its tools tells the trainer's user to do; the lint, which names the template, leaves it out. */
export const TOOLS_HINT = 'train on a model whose chat template supports tools';

export class ModelTokenizer {
  private template: Template | undefined;
  private readonly eosId: number | undefined;

  private constructor(
    /** Folder name, for messages: "tokenizer of Qwen3-0.6B". */
    readonly name: string,
    private readonly tokenizer: Tokenizer,
    private readonly templateSource: string | undefined,
    /** Special tokens as the template sees them (bos_token, eos_token, ...). */
    private readonly specialTokens: Record<string, string>,
  ) {
    const eos = specialTokens.eos_token;
    this.eosId = eos === undefined ? undefined : tokenizer.token_to_id(eos);
  }

  /**
   * Loads a model folder (or the path of its tokenizer.json). Throws TokenizerLoadError when a file is missing
   * or unreadable.
   */
  static load(path: string): ModelTokenizer {
    const dir = isFile(path) ? dirname(path) : path;
    const tokenizerJson = readJson(join(dir, 'tokenizer.json'), 'the model folder has no tokenizer.json (only "fast" tokenizers are supported: save it with tokenizer.save_pretrained)');
    const config = readJson(join(dir, 'tokenizer_config.json'), 'the model folder has no tokenizer_config.json');
    if (!isJsonObject(tokenizerJson) || !isJsonObject(tokenizerJson.model)) throw new TokenizerLoadError(`${join(dir, 'tokenizer.json')} is not a tokenizer.json (no "model" object)`);
    if (!isJsonObject(config)) throw new TokenizerLoadError(`${join(dir, 'tokenizer_config.json')} is not a JSON object`);
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(tokenizerJson, config);
    } catch (e) {
      throw new TokenizerLoadError(`the tokenizer in ${dir} cannot be loaded: ${(e as Error).message}`);
    }
    return new ModelTokenizer(basename(dir), tokenizer, chatTemplateSource(config.chat_template), specialTokenStrings(config));
  }

  get hasChatTemplate(): boolean {
    return this.templateSource !== undefined;
  }

  /** Tokens of a text as it stands, without special tokens added around it. */
  count(text: string): number {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids.length;
  }

  /** The token ids of a text, without special tokens added around it. */
  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  /** The conversation as the chat template renders it (what transformers' apply_chat_template(tokenize=False) returns). */
  renderChat(messages: readonly ChatMessage[], opts: RenderOptions = {}): string {
    if (this.templateSource === undefined) throw new TokenizerLoadError(`the tokenizer in ${this.name} has no chat_template: chat records cannot be rendered`);
    this.template ??= new Template(this.templateSource);
    return this.template.render({
      ...this.specialTokens,
      messages: messages.map((m) => ({ ...m })),
      ...(opts.tools ? { tools: opts.tools } : {}),
      add_generation_prompt: opts.addGenerationPrompt ?? false,
    });
  }

  /**
   * Why the template would train on something other than the record, or undefined. Templates without tool support
   * drop tool calls and definitions silently (trainer/tunelab_trainer/encoding.py check_tools_rendered refuses such
   * records): rendering without them gives the same text.
   */
  private droppedTools(messages: readonly ChatMessage[], tools: readonly JsonObject[] | undefined, rendered: string): string | undefined {
    for (let i = 0; i < messages.length; i++) {
      const calls = messages[i].tool_calls;
      if (!calls) continue;
      const upto = messages.slice(0, i + 1);
      const without = [...messages.slice(0, i), { ...messages[i], tool_calls: undefined }];
      if (this.renderChat(upto, { tools }) === this.renderChat(without, { tools })) {
        return `the chat template does not render tool calls (assistant message ${i + 1} calls ${calls[0].function.name}, which its rendered turn lacks); ${TOOLS_HINT}`;
      }
    }
    if (tools?.length && rendered === this.renderChat(messages)) {
      return `the chat template does not render the record's \`tools\`; ${TOOLS_HINT}`;
    }
    return undefined;
  }

  /**
   * A record's tokens as the trainer builds them (trainer/tunelab_trainer/encoding.py): chat records rendered with
   * the template (no generation prompt) and tokenized without added special tokens; text records tokenized with
   * the tokenizer's special tokens and an EOS appended when missing.
   */
  countRecord(value: unknown): RecordTokens {
    return this.countInput(trainingInput(value));
  }

  /** countRecord of a record already read by trainingInput. */
  countInput(input: TrainingInput): RecordTokens {
    if (input.kind === 'skip') return input;
    if (input.kind === 'text') {
      const ids = this.tokenizer.encode(input.text, { add_special_tokens: true }).ids;
      const eos = this.eosId !== undefined && ids[ids.length - 1] !== this.eosId ? 1 : 0;
      return { kind: 'text', tokens: ids.length + eos };
    }
    let rendered: string;
    let dropped: string | undefined;
    try {
      rendered = this.renderChat(input.messages, { tools: input.tools });
      dropped = this.droppedTools(input.messages, input.tools, rendered);
    } catch (e) {
      return { kind: 'skip', reason: `the chat template cannot render it (${firstLine((e as Error).message)})` };
    }
    if (dropped) return { kind: 'skip', reason: dropped };
    return { kind: 'chat', tokens: this.count(rendered), rendered };
  }

  /**
   * A number of tokens the record certainly does not exceed, without tokenizing: UTF-8 bytes of what gets
   * tokenized, plus a margin for added special tokens. Byte-level BPE never makes more tokens than bytes, and
   * SentencePiece with byte fallback neither. `cheap`: without rendering the template either, from the contents'
   * bytes and twice the most the template was seen to add (see templateOverhead); looser, about 100 times faster.
   * Undefined when the record is not counted (skip) or, for `cheap`, when the template could not be probed.
   */
  upperBound(value: unknown, cheap = false): number | undefined {
    const input = trainingInput(value);
    if (input.kind === 'skip') return undefined;
    if (input.kind === 'text') return Buffer.byteLength(input.text) + UPPER_BOUND_MARGIN;
    const tooling = input.tools !== undefined || input.messages.some((m) => m.tool_calls);
    if (cheap) {
      // Templates render tool calls and definitions as JSON of their own layout: bound those from the rendering.
      if (tooling) return undefined;
      const o = this.templateOverhead();
      if (!o) return undefined;
      let bytes = 0;
      for (const m of input.messages) bytes += Buffer.byteLength(m.content);
      return bytes + 2 * Math.max(o.most, o.perMessage * input.messages.length) + UPPER_BOUND_MARGIN;
    }
    try {
      return Buffer.byteLength(this.renderChat(input.messages, { tools: input.tools })) + UPPER_BOUND_MARGIN;
    } catch {
      return undefined;
    }
  }

  private overhead: { most: number; perMessage: number } | null | undefined;

  /**
   * Bytes the chat template adds around the contents, probed once on a few conversations: the most it added to
   * one, and the most per message. Templates add a fixed frame and a per-turn header, so twice the larger of the
   * two bounds any conversation. null when the template rejects the probes.
   */
  private templateOverhead(): { most: number; perMessage: number } | null {
    if (this.overhead !== undefined) return this.overhead;
    const m = (role: string, content: string): ChatMessage => ({ role, content });
    const probes = [
      [m('user', 'a'), m('assistant', 'b')],
      [m('system', 's'), m('user', 'a'), m('assistant', 'b')],
      [m('user', 'a'), m('assistant', 'b'), m('user', 'c'), m('assistant', 'd'), m('user', 'e'), m('assistant', 'f')],
    ];
    let most = 0, perMessage = 0;
    try {
      for (const p of probes) {
        const added = Buffer.byteLength(this.renderChat(p)) - p.length;
        most = Math.max(most, added);
        perMessage = Math.max(perMessage, added / p.length);
      }
      this.overhead = { most, perMessage: Math.ceil(perMessage) };
    } catch {
      this.overhead = null;
    }
    return this.overhead;
  }
}

/** Tokens a tokenizer may add beyond the bytes of the text (BOS, EOS, a SentencePiece prefix space). */
const UPPER_BOUND_MARGIN = 8;

const cache = new Map<string, ModelTokenizer>();

/** ModelTokenizer.load, once per path for the life of the process (loading takes 1-4 s). */
export function loadTokenizer(path: string): ModelTokenizer {
  let t = cache.get(path);
  if (!t) {
    t = ModelTokenizer.load(path);
    cache.set(path, t);
  }
  return t;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    throw new TokenizerLoadError(`tokenizer not found: ${path} (give the model folder that holds tokenizer.json)`);
  }
}

function readJson(file: string, missing: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new TokenizerLoadError((e as NodeJS.ErrnoException).code === 'ENOENT' ? `${missing}: ${file}` : `cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TokenizerLoadError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** The default template: a string, or the "default" entry of a list of named templates. */
function chatTemplateSource(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    const named = v.find((t) => isJsonObject(t) && t.name === 'default');
    return isJsonObject(named) && typeof named.template === 'string' ? named.template : undefined;
  }
  return undefined;
}

/** bos_token, eos_token, ... as strings; older configs write them as {"content": "<s>", ...}. */
function specialTokenStrings(config: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['bos_token', 'eos_token', 'unk_token', 'pad_token', 'sep_token', 'cls_token', 'mask_token']) {
    const v = config[key];
    const s = typeof v === 'string' ? v : isJsonObject(v) && typeof v.content === 'string' ? v.content : undefined;
    if (s !== undefined) out[key] = s;
  }
  return out;
}

function firstLine(s: string): string {
  const nl = s.indexOf('\n');
  return nl === -1 ? s : s.slice(0, nl);
}
