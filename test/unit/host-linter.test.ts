// The host's side of the lint worker (src/host/linter.ts) with the real worker script: a document's text lives in the
// worker, which the host's forwarded edits keep current; the host keeps its own copy only when no worker can start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { lintText } from '../../src/core/lint';
import { Linter, UnknownDocumentError } from '../../src/host/linter';

const log = { warn: () => undefined, error: () => undefined } as unknown as vscode.LogOutputChannel;
const line = (q: string, a: string): string => JSON.stringify({ messages: [{ role: 'user', content: q }, { role: 'assistant', content: a }] });

async function editAndLint(linter: Linter): Promise<void> {
  const text = [line('Hi?', 'Hello.'), line('Name a colour.', 'Blue.'), ''].join('\n');
  linter.syncDocument('doc', 'd.jsonl', 1, text);
  const first = await linter.lintDocument('doc');
  assert.deepEqual(first.result, lintText('d.jsonl', text));
  // The first record copied to the end: a duplicate, once the edit is applied where the text is kept.
  const edited = text + line('Hi?', 'Hello.') + '\n';
  linter.editDocument('doc', 2, [{ offset: text.length, length: 0, text: line('Hi?', 'Hello.') + '\n' }]);
  if (!linter.hasCopy('doc')) {
    // Without a worker the edit is not applied: the host's copy is dropped, and the document must be synced again.
    await assert.rejects(linter.lintDocument('doc'), UnknownDocumentError);
    linter.syncDocument('doc', 'd.jsonl', 2, edited);
  }
  const second = await linter.lintDocument('doc');
  assert.equal(second.version, 2);
  assert.deepEqual(second.result, lintText('d.jsonl', edited));
  assert.ok(second.result.findings.some((f) => f.code === 'duplicate' && f.line === 3));
}

test('with a worker, the host keeps no copy of a document\'s text: edits go to the worker\'s copy', async () => {
  const linter = new Linter(join(__dirname, '..', '..', 'src', 'host', 'lintWorker.js'), log);
  try {
    await editAndLint(linter);
    assert.equal(linter.hostCopies(), 0);
  } finally {
    linter.dispose();
  }
});

test('without a worker (its script missing), the host lints its own copy, and an edit makes it ask for the text again', async () => {
  const linter = new Linter(join(__dirname, 'no-such-worker.js'), log);
  try {
    await editAndLint(linter);
    assert.equal(linter.hostCopies(), 1);
  } finally {
    linter.dispose();
  }
});
