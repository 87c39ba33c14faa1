/** The real tokenizers of test/fixtures/tokenizers (tokenizer.json stored gzipped), unpacked once into a temp folder. */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const ROOT = join(__dirname, '..', '..', '..', '..');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'tokenizers');
export const TINY_MODEL = join(ROOT, 'models', 'tunelab-tiny-llama');

/** A model folder for fixture `name` ('qwen3', 'llama3') or the bundled 'tunelab-tiny-llama'. */
export function tokenizerDir(name: string): string {
  if (name === 'tunelab-tiny-llama') return TINY_MODEL;
  const dir = join(tmpdir(), 'tunelab-test-tokenizers', name);
  if (!existsSync(join(dir, 'tokenizer.json'))) {
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(FIXTURES, name, 'tokenizer_config.json'), join(dir, 'tokenizer_config.json'));
    // written under a temporary name and renamed: test files running at once never see half a file
    const part = join(dir, `tokenizer.json.${process.pid}`);
    writeFileSync(part, gunzipSync(readFileSync(join(FIXTURES, name, 'tokenizer.json.gz'))));
    renameSync(part, join(dir, 'tokenizer.json'));
  }
  return dir;
}
