/** The lint API used by the CLI and the editor host. */
export * from './types';
export type { DatasetFormat } from '../dataset/types';
export { lintText, lintSource } from './lint-source';
export { lintFiles } from './lint-files';
export { formatFindingsText } from './format-text';
export { RULES } from './rules';
export type { LintRule, RuleVisitor, RecordView, Turn, FileContext } from './context';
