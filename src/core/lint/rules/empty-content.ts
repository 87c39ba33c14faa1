/** empty-content: a turn, output, completion or text that is empty or only whitespace. */
import type { JsonPath } from '../../dataset/json-scan';
import { isJsonObject } from '../../dataset/format';
import type { SourceRecord } from '../../dataset/types';
import type { LintRule } from '../context';

/** Fields that must carry text, per format; `input` and `prompt` may legitimately be empty. */
const TEXT_FIELDS: Partial<Record<string, string[]>> = {
  instruction: ['instruction', 'output'],
  'prompt-completion': ['completion'],
  text: ['text'],
};

export const emptyContentRule: LintRule = {
  code: 'empty-content',
  create(ctx) {
    const report = (rec: SourceRecord, path: JsonPath, name: string, text: string): void => {
      ctx.report({
        code: 'empty-content', severity: 'error', span: ctx.valueSpan(rec, path),
        message: `${name} is ${text.length ? 'only whitespace' : 'empty'}: give it text, or remove it`,
      });
    };
    return {
      record(r) {
        if (r.turns) {
          for (const t of r.turns) {
            if (t.content === undefined || t.callsTool || t.content.trim() !== '') continue;
            report(r.source, [...t.path, t.contentKey], `${t.label}${t.role ? ` (${t.role})` : ''} ${t.contentKey}`, t.content);
          }
          return;
        }
        const fields = TEXT_FIELDS[r.format];
        if (!fields || !isJsonObject(r.value)) return;
        for (const key of fields) {
          const v = r.value[key];
          if (typeof v === 'string' && v.trim() === '') report(r.source, [key], `\`${key}\``, v);
        }
      },
    };
  },
};
