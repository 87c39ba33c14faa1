/**
 * too-few-records (on the file's first record): fewer records than fine-tuning usually needs (info), or, for a given
 * training run, too few examples seen for its epochs (warning). Not for eval files.
 */
import type { LintRule } from '../context';

/** OpenAI's fine-tuning guide: 10 examples at the very least, clear gains from 50 to 100. */
export const DEFAULT_MIN_RECORDS = 50;
/**
 * OpenAI's chat data preparation checks pick the default epochs so that training sees at least 100 examples
 * (records × epochs), with at most 25 epochs.
 */
export const MIN_EXAMPLES_SEEN = 100;
export const MAX_EPOCHS_HINT = 25;

export const tooFewRecordsRule: LintRule = {
  code: 'too-few-records',
  create(ctx) {
    const min = ctx.options.minRecords ?? DEFAULT_MIN_RECORDS;
    if (ctx.file?.role === 'eval') return {}; // a small eval set is normal
    return {
      finish() {
        const n = ctx.records;
        if (n === 0) return;
        const run = ctx.options.training;
        if (run && n * run.epochs < MIN_EXAMPLES_SEEN) {
          const steps = Math.max(1, Math.round(Math.ceil(n / run.effectiveBatchSize) * run.epochs));
          const epochs = Math.ceil(MIN_EXAMPLES_SEEN / n);
          const fix = epochs <= MAX_EPOCHS_HINT
            ? `add records, or raise the epochs to ${epochs}`
            : `add records: even ${MAX_EPOCHS_HINT} epochs would show the model ${n * MAX_EPOCHS_HINT}`;
          ctx.report({
            code: 'too-few-records', severity: 'warning', span: ctx.fileSpan(),
            message: `${n} record${n === 1 ? '' : 's'} × ${run.epochs} epoch${run.epochs === 1 ? '' : 's'}: training sees ${n * run.epochs} examples in `
              + `${steps} optimizer step${steps === 1 ? '' : 's'} (effective batch ${run.effectiveBatchSize}), under the ${MIN_EXAMPLES_SEEN} that OpenAI's data `
              + `preparation checks aim for; ${fix}`,
          });
          return;
        }
        if (n >= min) return;
        ctx.report({
          code: 'too-few-records', severity: 'info', span: ctx.fileSpan(),
          message: `the file has ${n} record${n === 1 ? '' : 's'}: fine-tuning usually needs at least ${min} (10 at the very least) to change a model's behaviour`,
        });
      },
    };
  },
};
