// Eval split detection next to a training file, on real folders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectEvalFile, detectTrainFiles } from '../../src/core/dataset/split-files';

function folder(files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'tunelab-evalfile-'));
  for (const f of files) writeFileSync(join(dir, f), '{}\n');
  return dir;
}

function detect(files: string[], train: string): string | undefined {
  const dir = folder(files);
  try {
    const found = detectEvalFile(join(dir, train));
    return found === undefined ? undefined : found.slice(dir.length + 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('train.jsonl finds eval.jsonl, then validation.jsonl', () => {
  assert.equal(detect(['train.jsonl', 'eval.jsonl', 'validation.jsonl'], 'train.jsonl'), 'eval.jsonl');
  assert.equal(detect(['train.jsonl', 'validation.jsonl'], 'train.jsonl'), 'validation.jsonl');
});

test('the train file name with train replaced wins over generic names', () => {
  assert.equal(detect(['support_train.jsonl', 'support_eval.jsonl', 'eval.jsonl'], 'support_train.jsonl'), 'support_eval.jsonl');
  assert.equal(detect(['support-train.jsonl', 'support-validation.jsonl'], 'support-train.jsonl'), 'support-validation.jsonl');
});

test('<stem>_eval.jsonl, and a single *_eval.jsonl when nothing else fits', () => {
  assert.equal(detect(['chats.jsonl', 'chats_eval.jsonl'], 'chats.jsonl'), 'chats_eval.jsonl');
  assert.equal(detect(['data.jsonl', 'held_out_eval.jsonl'], 'data.jsonl'), 'held_out_eval.jsonl');
  assert.equal(detect(['data.jsonl', 'a_eval.jsonl', 'b_eval.jsonl'], 'data.jsonl'), undefined, 'ambiguous: no guess');
});

test('nothing next to it, a test split, or only the file itself: no eval file', () => {
  assert.equal(detect(['train.jsonl'], 'train.jsonl'), undefined);
  assert.equal(detect(['train.jsonl', 'test.jsonl'], 'train.jsonl'), undefined);
  assert.equal(detect(['eval.jsonl'], 'eval.jsonl'), undefined);
  assert.equal(detect(['my_eval.jsonl'], 'my_eval.jsonl'), undefined);
});

test('Hugging Face Hub shards: train-00000-of-00001.parquet finds the validation split\'s only shard, not a part of a split in several', () => {
  assert.equal(detect(['train-00000-of-00001.parquet', 'validation-00000-of-00001.parquet', 'test-00000-of-00001.parquet'], 'train-00000-of-00001.parquet'),
    'validation-00000-of-00001.parquet');
  assert.equal(detect(['train-00000-of-00002.parquet', 'train-00001-of-00002.parquet', 'eval-00000-of-00001.parquet'], 'train-00001-of-00002.parquet'),
    'eval-00000-of-00001.parquet');
  assert.equal(detect(['train-00000-of-00001.parquet', 'validation-00000-of-00002.parquet', 'validation-00001-of-00002.parquet'], 'train-00000-of-00001.parquet'),
    undefined, 'one shard of two would be a silent subset');
  assert.equal(detect(['train-00000-of-00001.parquet', 'test-00000-of-00001.parquet'], 'train-00000-of-00001.parquet'), undefined, 'the test split stays unseen');
  assert.equal(detect(['sft_train-00000-of-00001.parquet', 'sft_dev-00000-of-00001.parquet'], 'sft_train-00000-of-00001.parquet'), 'sft_dev-00000-of-00001.parquet');
});

function detectTrain(files: string[], held: string): string[] {
  const dir = folder(files);
  try {
    return detectTrainFiles(join(dir, held)).map((f) => f.slice(dir.length + 1));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the training files an eval or test file is checked for leakage against: the reverse of the eval file detection', () => {
  assert.deepEqual(detectTrain(['train.jsonl', 'eval.jsonl', 'test.jsonl'], 'eval.jsonl'), ['train.jsonl']);
  assert.deepEqual(detectTrain(['train.jsonl', 'test.jsonl'], 'test.jsonl'), ['train.jsonl'], 'a test split is checked too');
  assert.deepEqual(detectTrain(['training.jsonl', 'validation.jsonl'], 'validation.jsonl'), ['training.jsonl']);
  assert.deepEqual(detectTrain(['support_train.jsonl', 'support_eval.jsonl', 'train.jsonl'], 'support_eval.jsonl'), ['support_train.jsonl']);
  assert.deepEqual(detectTrain(['chats.jsonl', 'chats_eval.jsonl'], 'chats_eval.jsonl'), ['chats.jsonl']);
  assert.deepEqual(detectTrain(['legal-train.csv', 'legal-dev.csv', 'legal-train.jsonl'], 'legal-dev.csv'), ['legal-train.csv'], 'same extension');
  assert.deepEqual(detectTrain(['eval.jsonl'], 'eval.jsonl'), [], 'no training file next to it');
  assert.deepEqual(detectTrain(['train.jsonl', 'notes.jsonl'], 'notes.jsonl'), [], 'not an eval file by its name');
  assert.deepEqual(detectTrain(['train.jsonl', 'interval.jsonl'], 'interval.jsonl'), [], 'a word that only ends in "val"');
  // every name the eval file detection pairs with a training file pairs back
  for (const [train, held] of [['train.jsonl', 'eval.jsonl'], ['foo_train.jsonl', 'foo_valid.jsonl'], ['chats.jsonl', 'chats-eval.jsonl'], ['a.train.json', 'a.dev.json']]) {
    const dir = folder([train, held]);
    try {
      assert.equal(detectEvalFile(join(dir, train)), join(dir, held));
      assert.deepEqual(detectTrainFiles(join(dir, held)), [join(dir, train)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('Hugging Face Hub shards: a validation or test shard is checked against every shard of the train split', () => {
  const shards = ['train-00000-of-00002.parquet', 'train-00001-of-00002.parquet', 'validation-00000-of-00001.parquet', 'test-00000-of-00001.parquet', 'other-train-00000-of-00001.parquet'];
  assert.deepEqual(detectTrain(shards, 'validation-00000-of-00001.parquet'), ['train-00000-of-00002.parquet', 'train-00001-of-00002.parquet']);
  assert.deepEqual(detectTrain(shards, 'test-00000-of-00001.parquet'), ['train-00000-of-00002.parquet', 'train-00001-of-00002.parquet']);
  assert.deepEqual(detectTrain(['train-00000-of-00001.jsonl', 'validation-00000-of-00001.parquet'], 'validation-00000-of-00001.parquet'), [], 'same extension');
});
