/**
 * The two groups of rules that the parallel lint (lint-parallel.ts) and the incremental session (lint-session.ts)
 * treat apart: rules that look at one record at a time, whose findings can be worked out on any slice of a file and
 * kept per record, and the rules that compare records or sum up the file, which see every record each time.
 */
import type { LintRule } from './context';
import { RULES } from './rules';
import type { LintCode, LintOptions } from './types';

/** Rules without state across records and without finish(): a record's findings depend on that record alone. */
export const PER_RECORD_CODES: readonly LintCode[] = ['invalid-json', 'unknown-role', 'role-order', 'empty-content', 'missing-assistant',
  'pii', 'markup-noise', 'encoding', 'too-long', 'low-quality-text'];

export interface RuleGroups {
  perRecord: LintRule[];
  /** schema (its format check sums up the file), duplicate, near-duplicate, leakage and the dataset-level rules. */
  wholeFile: LintRule[];
}

/** The groups for these options; with an in-process token counter, too-long stays with the whole-file rules (not serialisable). */
export function ruleGroups(options: LintOptions, movable: boolean): RuleGroups {
  const perRecord = PER_RECORD_CODES.filter((c) => !(movable && c === 'too-long' && options.tokenCounter));
  return { perRecord: RULES.filter((r) => perRecord.includes(r.code)), wholeFile: RULES.filter((r) => !perRecord.includes(r.code)) };
}
