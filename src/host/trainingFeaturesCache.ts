// What the lint worker keeps of the training files that open eval documents are checked for leakage against
// (core/lint/leakage-training.ts): read once, then reused at every edit of the eval document until a training file
// changes. No `vscode` here: it runs in the worker.
import { TrainingFeatures } from '../core/lint';

/** A training file as it is now: `stamp` changes whenever its content may have (an editor version, a file's mtime and size). */
export interface TrainingText {
  path: string;
  stamp: string;
  /** Its size in bytes (or characters, for an editor's text): asked only before it is read. */
  size(): number;
  /** Its content: bytes (Parquet decoded into rows) or an editor's text. */
  read(): Promise<Buffer | string>;
}

/**
 * Training files over this size in all are not compared at each edit: their features would hold some 100 MB of the
 * editor's memory. `tunelab lint --eval` and the launch check still compare them.
 */
export const MAX_TRAINING_BYTES = 128 * 1024 * 1024;

interface Kept { stamps: string; features: TrainingFeatures }

/** Work done on reading training files before other messages get their turn (as a session build's slices). */
const SLICE_MS = 15;

export class TrainingFeaturesCache {
  private readonly kept = new Map<string, Kept>();

  /** The kept features of these training files when none changed since they were read; undefined when they must be read. */
  current(sources: readonly TrainingText[], threshold: number): TrainingFeatures | undefined {
    const kept = this.kept.get(keyOf(sources, threshold));
    return kept?.stamps === stampsOf(sources) ? kept.features : undefined;
  }

  /** The features kept of an earlier state of these files (one changed since), for an answer until they are read again. */
  earlier(sources: readonly TrainingText[], threshold: number): TrainingFeatures | undefined {
    return this.kept.get(keyOf(sources, threshold))?.features;
  }

  /**
   * Reads the training files and keeps their features (replacing those of an older state of the same files), in slices
   * of about SLICE_MS between which the worker answers other questions: 50 MB take most of a second.
   */
  async read(sources: readonly TrainingText[], threshold: number): Promise<TrainingFeatures> {
    const stamps = stampsOf(sources);
    const inputs = [];
    for (const s of sources) inputs.push({ path: s.path, input: await s.read() });
    const steps = TrainingFeatures.read(inputs, threshold);
    let features: TrainingFeatures | undefined;
    while (!features) {
      for (const end = performance.now() + SLICE_MS; !features && performance.now() < end;) {
        const r = steps.next();
        if (r.done) features = r.value;
      }
      if (!features) await new Promise((resolve) => setImmediate(resolve));
    }
    this.kept.set(keyOf(sources, threshold), { stamps, features });
    return features;
  }

  /** The key of what `current` and `read` keep for these files. */
  static keyOf(sources: readonly TrainingText[], threshold: number): string {
    return keyOf(sources, threshold);
  }

  /** Drops the features no longer asked for (keys: those of the open eval documents). */
  keepOnly(keys: ReadonlySet<string>): void {
    for (const key of this.kept.keys()) if (!keys.has(key)) this.kept.delete(key);
  }

  /** Bytes held (tests and logs). */
  get bytes(): number {
    let n = 0;
    for (const k of this.kept.values()) n += k.features.bytes;
    return n;
  }
}

function keyOf(sources: readonly TrainingText[], threshold: number): string {
  return `${threshold}\n${sources.map((s) => s.path).join('\n')}`;
}

function stampsOf(sources: readonly TrainingText[]): string {
  return sources.map((s) => s.stamp).join('\n');
}
