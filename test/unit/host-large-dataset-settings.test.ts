import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LARGE_DATASET_CHARS, offerMessage, scansStillOn, settingId, WHOLE_DOCUMENT_SCANS } from '../../src/host/wholeDocumentScans';

const UNICODE = ['editor.unicodeHighlight.ambiguousCharacters', 'editor.unicodeHighlight.invisibleCharacters'];

test('whole-document scans: the VS Code settings measured in bench/editor; link detection and Unicode highlighting per language only', () => {
  assert.deepEqual(WHOLE_DOCUMENT_SCANS.map(settingId), ['merge-conflict.decorators.enabled', 'merge-conflict.codeLens.enabled', 'editor.links', ...UNICODE]);
  assert.deepEqual(WHOLE_DOCUMENT_SCANS.filter((s) => s.perLanguage).map(settingId), ['editor.links', ...UNICODE]);
  assert.ok(LARGE_DATASET_CHARS >= 10_000_000 && LARGE_DATASET_CHARS <= 50_000_000, 'the offer is for files of tens of MB');
});

test('whole-document scans: only settings that are on are offered; unknown ones (extension disabled) are left alone', () => {
  const values: Record<string, unknown> = {
    'merge-conflict.decorators.enabled': true, 'merge-conflict.codeLens.enabled': false, 'editor.links': true, [UNICODE[0]]: false, [UNICODE[1]]: true,
  };
  assert.deepEqual(scansStillOn((s) => values[settingId(s)]).map(settingId), ['merge-conflict.decorators.enabled', 'editor.links', UNICODE[1]]);
  assert.deepEqual(scansStillOn(() => undefined), [], 'merge-conflict disabled and links unknown: nothing to offer');
  assert.deepEqual(scansStillOn(() => false), []);
  assert.deepEqual(scansStillOn(() => 'true'), [], 'only a real true counts as on');
});

test('whole-document scans: the offer names the file, its size, each setting (those per language with the language) and what is lost', () => {
  const msg = offerMessage('chats.jsonl', 48_700_000, WHOLE_DOCUMENT_SCANS, 'jsonl');
  assert.match(msg, /^chats\.jsonl is 49 MB: VS Code's merge-conflict scan \(after every edit\), link detection \(on opening\) and Unicode highlighting \(on opening and after edits\) re-read the whole file/);
  assert.match(msg, /Turn off merge-conflict\.decorators\.enabled and merge-conflict\.codeLens\.enabled, and for jsonl files editor\.links, editor\.unicodeHighlight\.ambiguousCharacters and editor\.unicodeHighlight\.invisibleCharacters\?/);
  assert.match(msg, /You lose merge-conflict colours, merge-conflict code lenses, clickable links, highlights of look-alike characters and highlights of invisible characters there\.$/);
  // Only what is still on is named: here merge-conflict's settings are already off.
  const one = offerMessage('a.jsonl', 20_000_000, WHOLE_DOCUMENT_SCANS.slice(2, 3), 'jsonl');
  assert.match(one, /^a\.jsonl is 20 MB: VS Code's link detection \(on opening\) re-reads the whole file, /);
  assert.doesNotMatch(one, /merge-conflict/);
  assert.match(one, /Turn off editor\.links for jsonl files\? You lose clickable links there/);
  const merge = offerMessage('a.jsonl', 20_000_000, WHOLE_DOCUMENT_SCANS.slice(0, 2), 'jsonl');
  assert.match(merge, /Turn off merge-conflict\.decorators\.enabled and merge-conflict\.codeLens\.enabled\? You lose merge-conflict colours and merge-conflict code lenses there\.$/);
});
