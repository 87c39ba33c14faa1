// LSH quality of the near-duplicate rule, measured on generated chat records: candidate recall against brute-force
// exact Jaccard over all pairs, and the share of candidates that exact Jaccard then rejects. The figures are printed
// (and recorded in bench/lint/RESULTS.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readDataset } from '../../src/core/dataset/read';
import { recordFeatures } from '../../src/core/lint/record-features';
import { buildRecordView } from '../../src/core/lint/record-view';
import { DEFAULT_NEAR_DUPLICATE_THRESHOLD } from '../../src/core/lint/rules/near-duplicate';
import { jaccardSorted, sortedUnique } from '../../src/core/lint/text/jaccard';
import { bandKeys, lshLayout } from '../../src/core/lint/text/minhash';
import { cleanChat, rng, type ChatRecord, type Rng } from './support/lint-corpus';

const WORDS = 'river lamp copper bright quiet early garden winter signal harbor marble steady'.split(' ');

/** The record with `edits` words of its last answer replaced, inserted or deleted at random. */
function edit(r: Rng, rec: ChatRecord, edits: number): ChatRecord {
  const messages = rec.messages.map((m) => ({ ...m }));
  const last = messages.map((m) => m.role).lastIndexOf('assistant');
  const words = messages[last].content.split(' ');
  for (let e = 0; e < edits; e++) {
    const i = Math.floor(r() * words.length);
    const w = WORDS[Math.floor(r() * WORDS.length)];
    const op = r();
    if (op < 0.5) words[i] = w; else if (op < 0.8) words.splice(i, 0, w); else if (words.length > 5) words.splice(i, 1);
  }
  messages[last].content = words.join(' ');
  return { messages };
}

test('near-duplicate LSH: candidate recall ≥ 0.95 against brute-force exact Jaccard over all pairs; false-candidate rate reported', (t) => {
  const r = rng(424242);
  const records: ChatRecord[] = [];
  for (let i = 0; i < 400; i++) {
    const base = cleanChat(r);
    records.push(base);
    // variants from 1 to 9 edits: Jaccard from about 0.97 down to under the threshold
    for (let v = 0; v < 3; v++) records.push(edit(r, base, 1 + Math.floor(r() * 9)));
  }
  const threshold = DEFAULT_NEAR_DUPLICATE_THRESHOLD;
  const layout = lshLayout(threshold);
  const { records: sources } = readDataset(records.map((x) => JSON.stringify(x)).join('\n'));
  const sets: Int32Array[] = [];
  const keys: Int32Array[] = [];
  for (const rec of sources) {
    const f = recordFeatures(buildRecordView(rec, { fingerprint: false }));
    sets.push(sortedUnique(f.shingles.slice()));
    const k = new Int32Array(layout.bands);
    bandKeys(f.signature, layout, k);
    keys.push(k);
  }
  // LSH candidates: pairs that share the key of at least one band
  const byBand = new Map<string, number[]>();
  keys.forEach((k, i) => k.forEach((key, b) => {
    const id = `${b}:${key}`;
    byBand.set(id, [...(byBand.get(id) ?? []), i]);
  }));
  const candidates = new Set<number>();
  const n = sets.length;
  for (const ids of byBand.values()) for (let a = 0; a < ids.length; a++) for (let b = a + 1; b < ids.length; b++) candidates.add(ids[a] * n + ids[b]);

  // brute force: exact Jaccard of every pair
  let similar = 0, similarFound = 0, identical = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const jac = jaccardSorted(sets[i], sets[j]);
      if (jac < threshold) continue;
      if (jac === 1) { identical++; continue; } // equal sets always share every band: left out, they would flatter recall
      similar++;
      if (candidates.has(i * n + j)) similarFound++;
    }
  }
  let falseCandidates = 0;
  for (const c of candidates) if (jaccardSorted(sets[Math.floor(c / n)], sets[c % n]) < threshold) falseCandidates++;
  const recall = similarFound / similar;
  const falseRate = falseCandidates / candidates.size;
  const summary = `LSH (${layout.bands} bands × ${layout.rows} rows, threshold ${threshold}) on ${n} records, ${n * (n - 1) / 2} pairs: `
    + `recall ${recall.toFixed(3)} (${similarFound}/${similar} pairs with ${threshold} ≤ Jaccard < 1; ${identical} identical pairs left out), `
    + `false-candidate rate ${falseRate.toFixed(3)} (${falseCandidates}/${candidates.size} candidates below ${threshold})`;
  t.diagnostic(summary);
  console.log(summary);
  assert.ok(similar >= 300, `enough similar pairs to measure: ${similar}`);
  assert.ok(recall >= 0.95, summary);
  assert.ok(candidates.size > similar * 0.9, summary);
});
