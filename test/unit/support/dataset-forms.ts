// The same records written in the other forms Tunelab reads (a JSON array as json.dump(indent=2) writes it, a CSV file
// with a `messages` column of JSON), for the tests of those readers.
import { makeCorpus } from './lint-corpus';

/** A CSV field: quoted (its quotes doubled) when it holds a quote, comma or line break, or `always`. */
export function csvCell(s: string, always = false): string {
  return always || /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV file of the records that have `messages`: that column, each cell the messages as JSON. */
export function messagesCsv(values: readonly unknown[]): string {
  return `messages\n${messagesRows(values).join('\n')}\n`;
}

/** messagesCsv's rows, for a test to rearrange. */
export function messagesRows(values: readonly unknown[]): string[] {
  return values.filter(hasMessages).map((v) => csvCell(JSON.stringify(v.messages), true));
}

/** A JSON array as json.dump(indent=2) writes it. */
export function indentedArray(values: readonly unknown[]): string {
  return `[\n${values.map(indentedItem).join(',\n')}\n]\n`;
}

/** One value of indentedArray, indented. */
export function indentedItem(v: unknown): string {
  return '  ' + JSON.stringify(v, null, 2).replace(/\n/g, '\n  ');
}

/** The parsed records of the lint corpus's training file (its planted broken lines left out). */
export function corpusRecords(seed: number, cleanRecords: number): { messages?: unknown }[] {
  const train = makeCorpus(seed, cleanRecords).files.find((f) => f.name === 'train.jsonl')!;
  return train.lines.flatMap((l) => {
    try { return [JSON.parse(l) as { messages?: unknown }]; } catch { return []; }
  });
}

function hasMessages(v: unknown): v is { messages: unknown } {
  return typeof v === 'object' && v !== null && 'messages' in v;
}
