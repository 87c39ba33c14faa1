// Finds the evaluation split that sits next to a training file, so the form can prefill it.
// No `vscode` import: tested with node:test.
import * as fs from 'node:fs';
import * as path from 'node:path';

const TRAIN_SUFFIX = /([_.-]?)(train|training)$/i;
const EVAL_WORDS = ['eval', 'validation', 'valid', 'val', 'dev']; // not 'test': a test split stays unseen
const GENERIC_NAMES = ['eval', 'validation', 'valid', 'val', 'dev'];

/** `<prefix>train-00000-of-00003.parquet`: the Hub's file names for a split's shards. */
const HUB_SHARD = /^(.*?)(?:train|training)-\d{5}-of-\d{5}(\.\w+)$/i;

function onlyEvalShard(dir: string, prefix: string, ext: string): string | undefined {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return undefined;
  }
  for (const word of EVAL_WORDS) {
    const shards = entries.filter((n) => n.toLowerCase().startsWith(`${prefix}${word}-`.toLowerCase()) && /-\d{5}-of-\d{5}\.\w+$/.test(n)
      && n.toLowerCase().endsWith(ext.toLowerCase()));
    if (shards.length === 1 && isFile(path.join(dir, shards[0]))) return path.join(dir, shards[0]);
    if (shards.length > 1) return undefined;
  }
  return undefined;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * The eval file for `trainFile`, first match wins:
 * 1. the train file's name with train → eval/validation/… (`foo_train.jsonl` → `foo_eval.jsonl`, `train.jsonl` → `eval.jsonl`);
 * 2. `<stem>_eval.jsonl` / `<stem>-eval.jsonl` (`chats.jsonl` → `chats_eval.jsonl`);
 * 3. `eval.jsonl`, `validation.jsonl`, `valid.jsonl`, `val.jsonl`, `dev.jsonl`;
 * 4. the only `*_eval.jsonl` / `*-eval.jsonl` in the folder.
 * A Hugging Face Hub shard (`train-00000-of-00001.parquet`) finds the eval split's only shard
 * (`validation-00000-of-00001.parquet`); an eval split of several shards is not guessed (one shard is a part of it).
 * Never the train file itself; undefined when nothing fits.
 */
export function detectEvalFile(trainFile: string): string | undefined {
  const shard = HUB_SHARD.exec(path.basename(trainFile));
  if (shard) return onlyEvalShard(path.dirname(trainFile), shard[1], shard[2]);
  const dir = path.dirname(trainFile);
  const ext = path.extname(trainFile) || '.jsonl';
  const stem = path.basename(trainFile, path.extname(trainFile));
  const self = path.resolve(trainFile);
  const candidates: string[] = [];

  const m = TRAIN_SUFFIX.exec(stem);
  if (m) {
    const prefix = stem.slice(0, m.index);
    for (const word of EVAL_WORDS) candidates.push(`${prefix}${m[1]}${word}${ext}`);
  }
  candidates.push(`${stem}_eval${ext}`, `${stem}-eval${ext}`);
  for (const name of GENERIC_NAMES) candidates.push(`${name}${ext}`);

  for (const name of candidates) {
    const file = path.join(dir, name);
    if (path.resolve(file) !== self && isFile(file)) return file;
  }

  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return undefined;
  }
  const evalLike = entries.filter((n) => /[_-]eval\.jsonl$/i.test(n) && path.resolve(dir, n) !== self && isFile(path.join(dir, n)));
  return evalLike.length === 1 ? path.join(dir, evalLike[0]) : undefined;
}
