/** too-few-records (info, on the file's first record): fewer records than fine-tuning usually needs. Not for eval files. */
import type { LintRule } from '../context';

/** OpenAI's fine-tuning guide: 10 examples at the very least, clear gains from 50 to 100. */
export const DEFAULT_MIN_RECORDS = 50;

export const tooFewRecordsRule: LintRule = {
  code: 'too-few-records',
  create(ctx) {
    const min = ctx.options.minRecords ?? DEFAULT_MIN_RECORDS;
    if (ctx.file?.role === 'eval') return {}; // a small eval set is normal
    return {
      finish() {
        const n = ctx.records;
        if (n === 0 || n >= min) return;
        ctx.report({
          code: 'too-few-records', severity: 'info', span: ctx.fileSpan(),
          message: `the file has ${n} record${n === 1 ? '' : 's'}: fine-tuning usually needs at least ${min} (10 at the very least) to change a model's behaviour`,
        });
      },
    };
  },
};
