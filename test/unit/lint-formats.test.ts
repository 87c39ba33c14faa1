// `tunelab lint`'s CI formats: SARIF 2.1.0 (checked against the OASIS schema) and GitHub Actions annotations, and
// --fail-on. The findings come from a real lint of the problems fixture.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import type { Log } from 'sarif';
import { lintFiles, type LintOutput } from '../../src/core/lint';
import { escapeData, escapeProperty, formatFindingsGithub } from '../../src/core/lint/format-github';
import { fileUri, formatFindingsSarif } from '../../src/core/lint/format-sarif';
import { RULE_SUMMARIES } from '../../src/core/lint/rule-summaries';
import { LINT_CODES } from '../../src/core/lint/types';
import { runCli } from './support/run-cli';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'lint');
const PROBLEMS = path.join(FIXTURES, 'problems.jsonl');

/** The SARIF 2.1.0 schema (draft-04), as OASIS published it; @microsoft/jest-sarif ships a copy. */
function sarifValidator(): Ajv.ValidateFunction {
  const schemaPath = path.join(path.dirname(require.resolve('@microsoft/jest-sarif/package.json')), 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
  const ajv = new Ajv({ schemaId: 'id', allErrors: true });
  ajv.addMetaSchema(JSON.parse(fs.readFileSync(require.resolve('ajv/lib/refs/json-schema-draft-04.json'), 'utf8')));
  return ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
}

/** The fixture's findings, with a related location (a duplicate) and an unreadable file. */
function output(): LintOutput {
  const out = lintFiles([PROBLEMS, path.join(FIXTURES, 'no-such-file.jsonl')]);
  assert.ok(out.diagnostics.some((d) => d.related.length), 'the fixture has findings with related locations');
  assert.ok(new Set(out.diagnostics.map((d) => d.severity)).size === 3, 'and findings of each level');
  assert.equal(out.ioErrors.length, 1);
  return out;
}

test('every lint code has a one-sentence summary', () => {
  for (const code of LINT_CODES) assert.match(RULE_SUMMARIES[code], /^[A-Z`].{15,}\.$/, code);
});

test('sarif: a valid SARIF 2.1.0 log whose results are the findings, with their rules, levels, regions and related locations', () => {
  const out = output();
  const log: Log = formatFindingsSarif(out, { version: '1.2.3' });
  const validate = sarifValidator();
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));

  const run = log.runs[0];
  assert.equal(run.tool.driver.version, '1.2.3');
  assert.deepEqual(run.tool.driver.rules!.map((r) => r.id), [...LINT_CODES]);
  assert.equal(run.columnKind, 'utf16CodeUnits');
  assert.equal(run.results!.length, out.diagnostics.length);
  run.results!.forEach((r, i) => {
    const d = out.diagnostics[i];
    assert.equal(r.ruleId, d.code);
    assert.equal(run.tool.driver.rules![r.ruleIndex!].id, d.code, 'ruleIndex points at its rule');
    assert.equal(r.level, { error: 'error', warning: 'warning', info: 'note' }[d.severity]);
    assert.equal(r.message.text, d.message);
    const loc = r.locations![0].physicalLocation!;
    assert.equal(loc.artifactLocation!.uri, fileUri(d.path));
    assert.deepEqual(loc.region, { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn });
    assert.deepEqual((r.relatedLocations ?? []).map((l) => [l.physicalLocation!.region!.startLine, l.message!.text]), d.related.map((x) => [x.line, x.message]));
  });
  // The unreadable file: the run did not fully succeed, and says which file and why.
  const inv = run.invocations![0];
  assert.equal(inv.executionSuccessful, false);
  assert.equal(inv.toolExecutionNotifications!.length, 1);
  assert.match(inv.toolExecutionNotifications![0].message.text!, /^cannot read the file: /);
  assert.equal(inv.toolExecutionNotifications![0].locations![0].physicalLocation!.artifactLocation!.uri, fileUri(out.ioErrors[0].path));
});

test('sarif: artifact URIs keep relative paths relative (code scanning resolves them from the checkout) and encode them', () => {
  assert.equal(fileUri('data/train.jsonl'), 'data/train.jsonl');
  assert.equal(fileUri('my data/50% off#1.jsonl'), 'my%20data/50%25%20off%231.jsonl');
  assert.equal(fileUri('data\\train.jsonl'), 'data/train.jsonl');
  assert.equal(fileUri('/srv/my data/t.jsonl'), 'file:///srv/my%20data/t.jsonl');
});

test('github: one workflow command per finding, escaped as the Actions runner reads it, then the summary', () => {
  const out = output();
  const lines = formatFindingsGithub(out).trimEnd().split('\n');
  assert.equal(lines.length, out.diagnostics.length + out.ioErrors.length + 1);
  out.diagnostics.forEach((d, i) => {
    const m = /^::(error|warning|notice) (.*?)::(.*)$/.exec(lines[i]);
    assert.ok(m, lines[i]);
    assert.equal(m[1], { error: 'error', warning: 'warning', info: 'notice' }[d.severity]);
    const props = Object.fromEntries(m[2].split(',').map((kv) => kv.split('=')));
    assert.equal(props.file, escapeProperty(d.path));
    assert.equal(props.line, String(d.line));
    assert.equal(props.title, `tunelab ${d.code}`);
    if (d.line === d.endLine) assert.equal(props.endColumn, String(d.endColumn));
    else assert.equal(props.col, undefined, 'columns only for a span on one line');
    assert.equal(m[3], escapeData(d.message));
  });
  assert.match(lines[out.diagnostics.length], /^::error file=.*no-such-file\.jsonl,title=tunelab%3A unreadable file::cannot read the file: /);
  assert.match(lines[lines.length - 1], /^1 file, \d+ records.*, 1 unreadable file: /);

  // A message over lines, a % sign, and a path with a comma and a colon stay one command each.
  const tricky = formatFindingsGithub({
    ...out, ioErrors: [],
    diagnostics: [{ path: 'a,b:c.jsonl', line: 3, column: 1, endLine: 4, endColumn: 2, code: 'pii', severity: 'warning', message: '100% sure\r\nsecond line', related: [] }],
  }).split('\n');
  assert.equal(tricky[0], '::warning file=a%2Cb%3Ac.jsonl,line=3,endLine=4,title=tunelab pii::100%25 sure%0D%0Asecond line');
});

test('tunelab lint --format sarif|github and --fail-on: the output and the exit code a CI gate needs', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunelab-formats-'));
  const chat = (q: string, a: string): string => JSON.stringify({ messages: [{ role: 'user', content: q }, { role: 'assistant', content: a }] });
  // Warnings only (an email address), and info (too few records): no error.
  fs.writeFileSync(path.join(dir, 'train.jsonl'), [chat('Mail me at jo.doe@example.com.', 'I will.'), chat('What is 2 + 2?', 'Four.')].join('\n') + '\n');
  const run = (...args: string[]) => runCli(['lint', ...args, 'train.jsonl'], { cwd: dir, timeoutMs: 60_000 });

  const sarif = await run('--format', 'sarif');
  assert.equal(sarif.code, 0, sarif.stderr);
  const log = JSON.parse(sarif.stdout) as Log;
  assert.ok(sarifValidator()(log));
  assert.deepEqual(log.runs[0].results!.map((r) => [r.ruleId, r.level, r.locations![0].physicalLocation!.artifactLocation!.uri]),
    [['too-few-records', 'note', 'train.jsonl'], ['pii', 'warning', 'train.jsonl']]);
  assert.equal(log.runs[0].tool.driver.version, JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')).version);

  const github = await run('--format', 'github');
  assert.equal(github.code, 0);
  assert.match(github.stdout, /^::notice file=train\.jsonl,line=1,.*title=tunelab too-few-records::/m);
  assert.match(github.stdout, /^::warning file=train\.jsonl,line=1,endLine=1,col=\d+,endColumn=\d+,title=tunelab pii::/m);
  assert.match(github.stdout, /^1 file, 2 records \(chat 2\): 1 warning, 1 info$/m);

  assert.equal((await run('--fail-on', 'warning')).code, 1, 'a warning fails the gate at --fail-on warning');
  assert.equal((await run('--fail-on', 'info')).code, 1);
  assert.equal((await run('--fail-on', 'error')).code, 0);
  fs.writeFileSync(path.join(dir, 'train.jsonl'), '{"messages": [\n');
  assert.equal((await run()).code, 1, 'an error fails by default');
  assert.equal((await run('--fail-on', 'none')).code, 0, '--fail-on none reports and passes');

  const bad = await run('--fail-on', 'warnings');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--fail-on must be error, warning, info or none \(got "warnings"\)/);
  const badFormat = await run('--format', 'xml');
  assert.match(badFormat.stderr, /--format must be text, json, sarif or github \(got "xml"\)/);
});
