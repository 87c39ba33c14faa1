/** The lint API used by the CLI and the editor host. */
export * from './types';
export type { DatasetFormat } from '../dataset/types';
export { lintText, lintSource } from './lint-source';
export { lintFiles, lintTrainAndEval, type LintInput } from './lint-files';
export { evalFileOptions, evalLeakage, leakageThreshold, TrainingFeatures, withLeakage } from './leakage-training';
export { EvalFeatureCache } from './leakage-eval-cache';
export { lintFilesParallel, isShardWorker, type ParallelOptions } from './lint-parallel';
export { lintBytesParallel, lintTextParallel, lintTrainAndEvalParallel } from './lint-text-parallel';
export { createLintSession, type LintSession } from './lint-session';
export type { LintSeeds } from './session-seeds';
export { formatFindingsText } from './format-text';
export { everyFindingOf, findLintConfigDir, loadLintConfig, mergeLintOptions, validateLintConfig, LINT_CONFIG_FILE, type LintConfig } from './config';
export { ESTIMATED_TOKENS } from './token-count';
export { RULES } from './rules';
export type { LintRule, RuleVisitor, RecordView, Turn, FileContext } from './context';
export { gateOptions, type TrainingRun } from './training-run';
