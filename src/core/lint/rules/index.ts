/** The rules, in the order their findings are produced. */
import { RULE_ORDER, type LintRule } from '../context';
import { answerSkewRule } from './answer-skew';
import { duplicateRule } from './duplicate';
import { emptyContentRule } from './empty-content';
import { encodingRule } from './encoding';
import { invalidJsonRule } from './invalid-json';
import { leakageRule } from './leakage';
import { lengthOutlierRule } from './length-outlier';
import { lowQualityTextRule } from './low-quality-text';
import { markupNoiseRule } from './markup-noise';
import { missingAssistantRule } from './missing-assistant';
import { nearDuplicateRule } from './near-duplicate';
import { piiRule } from './pii';
import { roleOrderRule } from './role-order';
import { schemaRule } from './schema';
import { tooFewRecordsRule } from './too-few-records';
import { tooLongRule } from './too-long';
import { unknownRoleRule } from './unknown-role';

export const RULES: readonly LintRule[] = [
  invalidJsonRule,
  schemaRule,
  unknownRoleRule,
  roleOrderRule,
  emptyContentRule,
  missingAssistantRule,
  duplicateRule,
  leakageRule, // before near-duplicate: on training files it asks for the word hashes that near-duplicate then reuses
  nearDuplicateRule,
  piiRule,
  markupNoiseRule,
  encodingRule,
  tooLongRule,
  answerSkewRule,
  tooFewRecordsRule,
  lengthOutlierRule,
  lowQualityTextRule,
];

RULES.forEach((rule, i) => RULE_ORDER.set(rule.code, i));
