/**
 * markup-noise: HTML tags and entities, and scraped page boilerplate, in the strings that reach training. The fix
 * strips the tags and decodes the entities (the whole string is rewritten, so the JSON stays valid).
 */
import type { LintRule } from '../context';
import { StringLocation } from '../string-location';
import { stringLabel, trainingStrings } from '../training-text';
import { findBoilerplate, findMarkup, stripMarkup } from './markup';
import { plural } from './describe';

export const markupNoiseRule: LintRule = {
  code: 'markup-noise',
  create: (ctx) => ({
    record(r) {
      for (const s of trainingStrings(r)) {
        const items = findMarkup(s.text);
        const boilerplate = findBoilerplate(s.text);
        if (!items.length && !boilerplate.length) continue;
        const loc = StringLocation.find(r.source, s.path);
        if (!loc) continue;
        if (items.length) {
          const tags = items.filter((i) => i.kind === 'tag');
          const entities = items.length - tags.length;
          const counts = [tags.length && plural(tags.length, 'HTML tag'), entities && `${entities} HTML ${entities === 1 ? 'entity' : 'entities'}`]
            .filter(Boolean).join(' and ');
          const first = s.text.slice(items[0].start, items[0].end);
          ctx.report({
            code: 'markup-noise', severity: 'warning', span: loc.span(items[0].start, items[0].end),
            message: `${counts} in ${stringLabel(s)} (first: ${clip(first)}): scraped markup teaches the model to write it`,
            fixes: [{ title: tags.length ? 'Strip HTML tags and decode entities' : 'Decode HTML entities', edits: [loc.replaceWith(stripMarkup(s.text, items))] }],
          });
        }
        if (boilerplate.length) {
          const [a, b] = boilerplate[0];
          ctx.report({
            code: 'markup-noise', severity: 'warning', span: loc.span(a, b),
            message: `scraped web page boilerplate in ${stringLabel(s)}: "${clip(s.text.slice(a, b))}"${boilerplate.length > 1 ? ` and ${boilerplate.length - 1} more` : ''}; remove it`,
          });
        }
      }
    },
  }),
};

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
