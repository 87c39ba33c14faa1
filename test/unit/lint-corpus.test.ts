import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LINT_CODES, lintFiles, type Diagnostic, type LintCode } from '../../src/core/lint';
import { makeCorpus, writeCorpus } from './support/lint-corpus';

test('generated corpus: every code found on at least 95% of its planted defects, at most 0.5% of clean records with a finding', () => {
  const corpus = makeCorpus(20240611, 2000);
  const dir = mkdtempSync(join(tmpdir(), 'tunelab-corpus-'));
  try {
    const path = (name: string): string => join(dir, name);
    writeCorpus(corpus, dir);
    const out = lintFiles(corpus.files.filter((f) => f.role === 'train').map((f) => path(f.name)),
      { ...corpus.options, evalFiles: corpus.files.filter((f) => f.role === 'eval').map((f) => path(f.name)) });
    assert.deepEqual(out.ioErrors, []);
    const byFile = new Map<string, Diagnostic[]>();
    for (const d of out.diagnostics) byFile.set(d.path, [...(byFile.get(d.path) ?? []), d]);

    const planted = new Map<LintCode, number>(), found = new Map<LintCode, number>();
    const count = (m: Map<LintCode, number>, code: LintCode): void => { m.set(code, (m.get(code) ?? 0) + 1); };
    let clean = 0, falselyFlagged = 0;
    const falseExamples: string[] = [];
    for (const f of corpus.files) {
      const ds = byFile.get(path(f.name)) ?? [];
      for (const [line, code] of f.planted) {
        count(planted, code);
        if (ds.some((d) => d.line === line && d.code === code)) count(found, code);
      }
      for (const code of f.fileCodes) {
        count(planted, code);
        if (ds.some((d) => d.code === code)) count(found, code);
      }
      const cleanLines = new Set(f.clean);
      clean += cleanLines.size;
      // findings about the whole file sit on its first record: they are not about that record
      const flagged = new Set(ds.filter((d) => cleanLines.has(d.line) && !f.fileCodes.includes(d.code)).map((d) => d.line));
      falselyFlagged += flagged.size;
      for (const d of ds.filter((x) => flagged.has(x.line)).slice(0, 3)) falseExamples.push(`${f.name}:${d.line} ${d.code}: ${d.message}`);
    }
    const recall = LINT_CODES.map((code) => [code, found.get(code) ?? 0, planted.get(code) ?? 0] as const);
    for (const [code, hit, total] of recall) {
      assert.ok(total > 0, `no ${code} defect planted`);
      assert.ok(hit / total >= 0.95, `${code}: found ${hit} of ${total}`);
    }
    assert.ok(clean > 2500, `${clean} clean records`);
    assert.ok(falselyFlagged / clean <= 0.005, `${falselyFlagged} of ${clean} clean records have findings: ${falseExamples.join(' | ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
