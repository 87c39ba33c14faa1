/**
 * Workspace lint settings: `.tunelab/lint.json`, e.g.
 *   {"rules": {"pii": "error", "near-duplicate": "off"}, "nearDuplicateThreshold": 0.8, "maxTokens": 4096, "minRecords": 50}
 * Every problem is listed at once, each saying what to change; a file with problems still yields the valid settings.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LINT_CODES, type LintCode, type LintOptions, type Severity } from './types';

export const LINT_CONFIG_FILE = join('.tunelab', 'lint.json');

export interface LintConfig {
  /** The file read (or looked for). */
  path: string;
  found: boolean;
  /** The settings that are valid, ready for lintFiles/lintText. */
  options: LintOptions;
  /** One message per problem, naming the key and what to change; empty when the file is fine or absent. */
  problems: string[];
}

const LEVELS = ['error', 'warning', 'info', 'off'] as const;
const KEYS = ['rules', 'nearDuplicateThreshold', 'maxTokens', 'minRecords', 'extraRoles', 'maxFindingsPerCode'];

/** Reads `.tunelab/lint.json` of a workspace folder; a missing file gives default settings and no problems. */
export function loadLintConfig(workspaceDir: string): LintConfig {
  return readLintConfigFile(join(workspaceDir, LINT_CONFIG_FILE), LINT_CONFIG_FILE);
}

/**
 * The nearest folder from `dir` upwards that holds .tunelab/lint.json, going no higher than `top` when given (the
 * editor stays inside the dataset's workspace folder); undefined when there is none.
 */
export function findLintConfigDir(dir: string, top?: string): string | undefined {
  const stop = top === undefined ? undefined : resolve(top);
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, LINT_CONFIG_FILE))) return d;
    if (d === stop || dirname(d) === d) return undefined;
  }
}

/** `over` on top of `base`: each rule's level and each other setting from `over` where it sets one. */
export function mergeLintOptions(base: LintOptions, over: LintOptions): LintOptions {
  const merged: LintOptions = { ...base, ...over };
  if (base.severity || over.severity) merged.severity = { ...base.severity, ...over.severity };
  return merged;
}

/**
 * `options` with every rule off but `codes` (at their configured levels) and no per-code limit: every finding of those
 * codes, for what needs them all (fix-all, whole duplicate clusters) when the usual lint kept only the first ones.
 */
export function everyFindingOf(options: LintOptions, codes: readonly LintCode[]): LintOptions {
  return { ...onlyCodes(options, codes), maxFindingsPerCode: Number.MAX_SAFE_INTEGER };
}

/** `options` with every rule off but `codes` (at their configured levels). */
export function onlyCodes(options: LintOptions, codes: readonly LintCode[]): LintOptions {
  const severity: LintOptions['severity'] = Object.fromEntries(LINT_CODES.map((c) => [c, codes.includes(c) ? options.severity?.[c] : 'off']));
  return { ...options, severity };
}

/** Reads lint settings from a file (`tunelab lint --config FILE`); `label` names it in the problems. */
export function readLintConfigFile(path: string, label = path): LintConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { path, found: false, options: {}, problems: [] };
    return { path, found: true, options: {}, problems: [`${label}: cannot read it (${(e as Error).message})`] };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { path, found: true, options: {}, problems: [`${label} is not valid JSON: ${(e as Error).message}`] };
  }
  return { path, found: true, ...validateLintConfig(value, label) };
}

/** Checks a parsed lint.json; returns the valid settings and a message for each problem. */
export function validateLintConfig(value: unknown, where: string = LINT_CONFIG_FILE): { options: LintOptions; problems: string[] } {
  const options: LintOptions = {};
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { options, problems: [`${where} must hold a JSON object such as {"rules": {"pii": "error"}}`] };
  }
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) {
    if (!KEYS.includes(key)) problems.push(`${where}: unknown key "${key}"${suggest(key, KEYS)}; known keys: ${KEYS.join(', ')}`);
  }
  if (v.rules !== undefined) {
    if (typeof v.rules !== 'object' || v.rules === null || Array.isArray(v.rules)) {
      problems.push(`${where}: "rules" must be an object of rule name to level, e.g. {"pii": "error", "near-duplicate": "off"}`);
    } else {
      const severity: Partial<Record<LintCode, Severity | 'off'>> = {};
      for (const [name, level] of Object.entries(v.rules as Record<string, unknown>)) {
        if (!(LINT_CODES as readonly string[]).includes(name)) {
          problems.push(`${where}: unknown rule "${name}" in "rules"${suggest(name, LINT_CODES)}; rules: ${LINT_CODES.join(', ')}`);
        } else if (typeof level !== 'string' || !(LEVELS as readonly string[]).includes(level)) {
          problems.push(`${where}: rule "${name}" is set to ${JSON.stringify(level)}; use one of ${LEVELS.map((l) => `"${l}"`).join(', ')}`);
        } else {
          severity[name as LintCode] = level as Severity | 'off';
        }
      }
      options.severity = severity;
    }
  }
  const threshold = v.nearDuplicateThreshold;
  if (threshold !== undefined) {
    if (typeof threshold === 'number' && threshold > 0 && threshold <= 1) options.nearDuplicateThreshold = threshold;
    else problems.push(`${where}: "nearDuplicateThreshold" must be a number above 0 and at most 1, e.g. 0.8 (got ${JSON.stringify(threshold)})`);
  }
  for (const key of ['maxTokens', 'minRecords', 'maxFindingsPerCode'] as const) {
    const n = v[key];
    if (n === undefined) continue;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 1) options[key] = n;
    else problems.push(`${where}: "${key}" must be a positive whole number (got ${JSON.stringify(n)})`);
  }
  if (v.extraRoles !== undefined) {
    if (Array.isArray(v.extraRoles) && v.extraRoles.every((r) => typeof r === 'string')) options.extraRoles = v.extraRoles as string[];
    else problems.push(`${where}: "extraRoles" must be a list of role names, e.g. ["observer"]`);
  }
  return { options, problems };
}

/** ` (did you mean "x"?)` for a name one or two edits away from a known one. */
function suggest(name: string, known: readonly string[]): string {
  const close = known.find((k) => editDistance(name.toLowerCase(), k.toLowerCase()) <= 2);
  return close ? ` (did you mean "${close}"?)` : '';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
