/**
 * pii: personal data (e-mail addresses, phone numbers, payment cards, IBANs, US SSNs, IP addresses) as warnings and
 * secrets (cloud keys, tokens, private keys) as errors, in the strings that reach training. The range is the match
 * inside the line; the fix replaces it with a typed placeholder such as [EMAIL], keeping the JSON valid.
 */
import type { LintRule } from '../context';
import { StringLocation } from '../string-location';
import { stringLabel, trainingStrings } from '../training-text';
import { findPii } from './pii-detectors';

export const piiRule: LintRule = {
  code: 'pii',
  create: (ctx) => ({
    record(r) {
      for (const s of trainingStrings(r)) {
        const matches = findPii(s.text);
        if (!matches.length) continue;
        const loc = StringLocation.find(r.source, s.path);
        if (!loc) continue;
        for (const m of matches) {
          const what = m.kind.secret
            ? `${m.kind.name} in ${stringLabel(s)}: a model trained on it can repeat it; revoke the credential and remove it from the data`
            : `${m.kind.name} in ${stringLabel(s)}: personal data the model can learn and repeat; redact it unless it is meant to be there`;
          ctx.report({
            code: 'pii', severity: m.kind.secret ? 'error' : 'warning', span: loc.span(m.start, m.end), message: what,
            fixes: [{ title: `Redact with ${m.kind.placeholder}`, edits: [loc.edit(m.start, m.end, m.kind.placeholder)] }],
          });
        }
      }
    },
  }),
};
