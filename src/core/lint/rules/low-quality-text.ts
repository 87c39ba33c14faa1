/**
 * low-quality-text (warning, per record of `text` datasets): documents that fail the Gopher quality heuristics
 * (too short or long, odd word lengths, symbol or bullet soup, mostly non-words, no stop words) or its repetition
 * rules (repeated lines, paragraphs and phrases). Continued
 * pre-training on them teaches noise. Chat and instruction records are short by nature and are not checked.
 */
import { isJsonObject } from '../../dataset/format';
import type { LintRule } from '../context';
import { gopherFailures, gopherRepetitionFailures } from './gopher';

export const lowQualityTextRule: LintRule = {
  code: 'low-quality-text',
  create: (ctx) => ({
    record(r) {
      if (r.format !== 'text' || !isJsonObject(r.value) || typeof r.value.text !== 'string' || r.value.text.trim() === '') return;
      const failures = [...gopherFailures(r.value.text), ...gopherRepetitionFailures(r.value.text)];
      if (!failures.length) return;
      ctx.report({
        code: 'low-quality-text', severity: 'warning', span: ctx.valueSpan(r.source, ['text']),
        message: `\`text\` fails the Gopher quality heuristics: ${failures.join('; ')}`,
      });
    },
  }),
};
