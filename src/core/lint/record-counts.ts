/**
 * The counts a lint reports about a file's records (formats, conversations, turns per role, fewest and most turns),
 * kept up to date as records come and go: the editor's session (lint-session.ts) adds a record once when its line
 * appears and removes it when the line goes, instead of counting every record of a 50 MB file at each keystroke.
 * The serial pass lists formats and roles in the order they first occur in the file; fill() gives that order too.
 */
import type { RecordFormat } from '../dataset/types';
import type { RecordView } from './context';
import type { FileStats } from './types';

/** What the counts need of a record: its format and its turns' roles (a RecordView has both). */
export interface RecordShape {
  format: RecordView['format'];
  turns?: readonly { role: string | undefined }[];
}

/** The shape of a view, without the rest of the record (the session keeps it after dropping the parsed record). */
export function shapeOf(view: RecordView): RecordShape {
  return view.turns ? { format: view.format, turns: view.turns.map((t) => ({ role: t.role })) } : { format: view.format };
}

/** A record's shape as a string (shapeFromKey reads it back): the parallel lint's threads hand shapes on this way. */
export function shapeKey(view: RecordView): string {
  return JSON.stringify([view.format, view.turns ? view.turns.map((t) => t.role ?? null) : null]);
}

export function shapeFromKey(key: string): RecordShape {
  const [format, roles] = JSON.parse(key) as [RecordView['format'], (string | null)[] | null];
  return roles ? { format, turns: roles.map((role) => ({ role: role ?? undefined })) } : { format };
}

export class RecordCounts {
  private readonly formats = new Map<RecordFormat, number>();
  private readonly roles = new Map<string, number>();
  /** Records with a list of turns, by their number of turns (fewest and most). */
  private readonly byTurns = new Map<number, number>();
  private conversations = 0;
  private messages = 0;

  add(view: RecordShape): void {
    this.count(view, 1);
  }

  remove(view: RecordShape): void {
    this.count(view, -1);
  }

  clear(): void {
    this.formats.clear();
    this.roles.clear();
    this.byTurns.clear();
    this.conversations = 0;
    this.messages = 0;
  }

  /**
   * Writes the counts into `stats` and `formatCounts` (both empty), formats and roles in the order they first occur in
   * `views` (the records in file order): usually the first record or two name them all, so the walk stops there.
   */
  fill(stats: FileStats, formatCounts: Map<RecordFormat, number>, views: Iterable<RecordShape | undefined>): void {
    stats.conversations = this.conversations;
    stats.messages = this.messages;
    let min: number | null = null, max: number | null = null;
    for (const n of this.byTurns.keys()) {
      if (min === null || n < min) min = n;
      if (max === null || n > max) max = n;
    }
    stats.minMessages = min;
    stats.maxMessages = max;
    if (this.formats.size === 0) return;
    for (const view of views) {
      if (!view) continue;
      if (!formatCounts.has(view.format)) formatCounts.set(view.format, this.formats.get(view.format)!);
      for (const t of view.turns ?? []) if (t.role !== undefined && !Object.hasOwn(stats.roles, t.role)) stats.roles[t.role] = this.roles.get(t.role)!;
      if (formatCounts.size === this.formats.size && Object.keys(stats.roles).length === this.roles.size) return;
    }
  }

  private count(view: RecordShape, d: 1 | -1): void {
    bump(this.formats, view.format, d);
    if (!view.turns) return;
    const n = view.turns.length;
    this.conversations += d;
    this.messages += d * n;
    bump(this.byTurns, n, d);
    for (const t of view.turns) if (t.role !== undefined) bump(this.roles, t.role, d);
  }
}

function bump<K>(m: Map<K, number>, key: K, d: number): void {
  const n = (m.get(key) ?? 0) + d;
  if (n) m.set(key, n); else m.delete(key);
}
