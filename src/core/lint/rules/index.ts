/** The rules, in the order their findings are produced. New rules (near-duplicate, pii, …) are added here. */
import type { LintRule } from '../context';
import { duplicateRule } from './duplicate';
import { emptyContentRule } from './empty-content';
import { invalidJsonRule } from './invalid-json';
import { missingAssistantRule } from './missing-assistant';
import { roleOrderRule } from './role-order';
import { schemaRule } from './schema';
import { unknownRoleRule } from './unknown-role';

export const RULES: readonly LintRule[] = [
  invalidJsonRule,
  schemaRule,
  unknownRoleRule,
  roleOrderRule,
  emptyContentRule,
  missingAssistantRule,
  duplicateRule,
];
