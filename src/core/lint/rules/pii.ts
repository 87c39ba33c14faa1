/**
 * pii: personal data (e-mail addresses, phone numbers, payment cards, IBANs, US SSNs, IP addresses) as warnings and
 * secrets (cloud keys, tokens, private keys) as errors, in the strings that reach training. The range is the match
 * inside the line; the fix replaces it with a typed placeholder such as [EMAIL], keeping the JSON valid.
 */
import type { LintRule } from '../context';
import { stringLabel } from '../training-text';
import { findPii } from './pii-detectors';
import { reportStringFindings, type StringFinding } from './string-finding';
import { textHints } from './text-hints';

export const piiRule: LintRule = {
  code: 'pii',
  create: (ctx) => ({
    record(r) {
      reportStringFindings(ctx, r, (s) => findPii(s.text, textHints(s)).map((m): StringFinding => ({
        code: 'pii', severity: m.kind.secret ? 'error' : 'warning', start: m.start, end: m.end,
        message: m.kind.secret
          ? `${m.kind.name} in ${stringLabel(s)}: a model trained on it can repeat it; revoke the credential and remove it from the data`
          : `${m.kind.name} in ${stringLabel(s)}: personal data the model can learn and repeat; redact it unless it is meant to be there`,
        fix: { title: `Redact with ${m.kind.placeholder}`, text: m.kind.placeholder },
      })));
    },
  }),
};
