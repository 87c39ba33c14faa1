/** One sentence per lint code: what the rule looks for (SARIF's rule descriptions, `tunelab lint --help`). */
import type { LintCode } from './types';

export const RULE_SUMMARIES: Readonly<Record<LintCode, string>> = {
  'invalid-json': 'A line that is not valid JSON, or a CSV row that cannot be read.',
  schema: 'Wrong or missing fields and types for the record\'s format, or a record of another format than the file\'s.',
  'unknown-role': 'A chat role or ShareGPT `from` value that the trainer does not read.',
  'role-order': 'A conversation the chat template rejects: starting with the assistant, a system turn after the first, two turns of one role in a row.',
  'empty-content': 'A turn or field whose text is empty or only whitespace.',
  'missing-assistant': 'A conversation with no assistant turn to learn from.',
  duplicate: 'A record with the same content as an earlier one (after canonical JSON and whitespace normalisation).',
  'near-duplicate': 'A record whose word 5-grams have Jaccard similarity at or above the threshold (default 0.8) with an earlier record.',
  pii: 'Personal data and secrets: e-mails, phone numbers, card numbers, IBANs, US SSNs, IP addresses, keys and tokens (AWS, GitHub, OpenAI-style, Hugging Face, Slack, Google, Stripe, GitLab, npm, JWTs), private keys.',
  'markup-noise': 'HTML tags and entities, or scraped page boilerplate, in training text.',
  encoding: 'Mojibake, control characters, U+FFFD, unpaired surrogates, or a file that is not UTF-8.',
  'too-long': 'A record over the token limit (exact with the model\'s tokenizer, otherwise an estimate).',
  leakage: 'An eval record that copies a training record, nearly copies it, or shares a 13-word span with it.',
  'answer-skew': 'One final answer repeated across many records.',
  'too-few-records': 'Too few records, or too few examples over the run\'s epochs, to change a model\'s behaviour.',
  'length-outlier': 'A record far longer or far shorter than the middle half of the file.',
  'low-quality-text': 'A `text` record that fails the Gopher quality heuristics.',
};
