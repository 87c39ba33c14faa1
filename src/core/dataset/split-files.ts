// A dataset's splits by their file names: the eval split next to a training file (the training form prefills it), and
// the training files an eval or test file is checked for leakage against (the editor, `tunelab lint`).
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

/** Held-out split names, the test split included: a test record copied from training is the worst leak of all. */
const HELD_OUT_SUFFIX = /([_.-]?)(eval|evaluation|validation|valid|val|dev|test|heldout|holdout)$/i;
const HUB_HELD_OUT_SHARD = /^(.*?)(?:eval|validation|valid|val|dev|test)-\d{5}-of-\d{5}(\.\w+)$/i;

/**
 * The training files an eval (or test) file is checked for leakage against, in the order `tunelab lint` would read
 * them; empty when none is found. The reverse of detectEvalFile, with the same extension:
 * 1. the name with eval/validation/…/test → train or training (`foo_eval.jsonl` → `foo_train.jsonl`, `test.jsonl` → `train.jsonl`);
 * 2. the name without its suffix (`chats_eval.jsonl` → `chats.jsonl`);
 * 3. a Hugging Face Hub split's shard (`validation-00000-of-00001.parquet`): every shard of the train split.
 */
export function detectTrainFiles(evalFile: string): string[] {
  const dir = path.dirname(evalFile);
  const name = path.basename(evalFile);
  const shard = HUB_HELD_OUT_SHARD.exec(name);
  if (shard) {
    const [, prefix, ext] = shard;
    const train = new RegExp(`^${escapeRegExp(prefix)}(?:train|training)-\\d{5}-of-\\d{5}${escapeRegExp(ext)}$`, 'i');
    let entries: string[];
    try {
      entries = fs.readdirSync(dir);
    } catch {
      return [];
    }
    return entries.filter((n) => train.test(n) && isFile(path.join(dir, n))).sort().map((n) => path.join(dir, n));
  }
  const ext = path.extname(name);
  const stem = path.basename(name, ext);
  const m = HELD_OUT_SUFFIX.exec(stem);
  if (!m) return [];
  const prefix = stem.slice(0, m.index);
  const candidates = ['train', 'training'].map((word) => `${prefix}${m[1]}${word}${ext}`);
  if (prefix && m[1]) candidates.push(`${prefix}${ext}`);
  const self = path.resolve(evalFile);
  const found = candidates.map((n) => path.join(dir, n)).find((f) => path.resolve(f) !== self && isFile(f));
  return found ? [found] : [];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
