import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { associationPattern, JSON_DATASET_LANGUAGE, LARGE_DATASET_CHARS, offerMessage, scansStillOn, settingId, WHOLE_DOCUMENT_SCANS } from '../../src/host/wholeDocumentScans';

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

test('whole-document scans: a document read as JSON is also offered the JSON Dataset mode, alone once the scans are off', () => {
  const both = offerMessage('alpaca.json', 22_000_000, WHOLE_DOCUMENT_SCANS.slice(0, 2), 'json', true);
  assert.match(both, /^alpaca\.json is 22 MB: VS Code's merge-conflict scan \(after every edit\) re-reads the whole file/);
  assert.match(both, /Its JSON language features also parse the whole file after every edit: "Edit as JSON Dataset" switches it to Tunelab's mode for it until it is closed\./);
  assert.match(both, /Tunelab's checks, fixes and hovers go on there; JSON folding, outline and schema validation stop\.$/);
  const alone = offerMessage('alpaca.json', 22_000_000, [], 'json', true);
  assert.match(alone, /^alpaca\.json is 22 MB: VS Code's JSON language features parse the whole file again after every edit, which delays Tunelab's diagnostics\. Edit it as a JSON Dataset/);
  assert.doesNotMatch(alone, /Turn off/);
  assert.doesNotMatch(offerMessage('a.jsonl', 22_000_000, WHOLE_DOCUMENT_SCANS.slice(0, 2), 'jsonl'), /JSON Dataset/);
});

test('the JSON Dataset mode is a language of the extension, without file extensions, with link detection and Unicode highlighting off', () => {
  const root = join(__dirname, '..', '..', '..');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    activationEvents: string[];
    contributes: {
      languages: { id: string; extensions?: string[]; configuration?: string }[]; configurationDefaults: Record<string, Record<string, unknown>>;
      grammars: { language: string; path: string }[];
    };
  };
  const lang = pkg.contributes.languages.find((l) => l.id === JSON_DATASET_LANGUAGE);
  assert.ok(lang, 'contributed');
  assert.equal(lang.extensions, undefined, 'no file opens in it by itself');
  // Coloured as JSON (the built-in grammar, included by scope), with JSON's brackets: it reads and types like JSON.
  const grammar = pkg.contributes.grammars.find((g) => g.language === JSON_DATASET_LANGUAGE);
  assert.deepEqual(JSON.parse(readFileSync(join(root, grammar!.path), 'utf8')).patterns, [{ include: 'source.json' }]);
  assert.deepEqual(JSON.parse(readFileSync(join(root, lang.configuration!), 'utf8')).brackets, [['{', '}'], ['[', ']']]);
  assert.deepEqual(pkg.contributes.configurationDefaults[`[${JSON_DATASET_LANGUAGE}]`], {
    'editor.links': false, 'editor.unicodeHighlight.ambiguousCharacters': false, 'editor.unicodeHighlight.invisibleCharacters': false,
  });
  assert.ok(pkg.activationEvents.includes(`onLanguage:${JSON_DATASET_LANGUAGE}`));
});

test('a JSON Dataset association names the one file: its workspace path under any folder, or its absolute path, glob characters as any one character', () => {
  assert.equal(associationPattern('data/alpaca.json', true), '**/data/alpaca.json');
  assert.equal(associationPattern('data\\alpaca.json', true), '**/data/alpaca.json');
  assert.equal(associationPattern('/home/me/alpaca.json', false), '/home/me/alpaca.json');
  assert.equal(associationPattern('runs/{a}/set [1]*?.json', true), '**/runs/?a?/set ?1???.json');
});
