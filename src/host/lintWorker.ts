// Worker thread that lints dataset text off the extension host's main thread (bundled to dist/lintWorker.js).
// It keeps a copy of each open dataset document, updated by the edits the host forwards, and answers the
// overview and hover questions from it. No `vscode` here: workers cannot reach the editor API.
import { readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parentPort } from 'node:worker_threads';
import * as lint from '../core/lint';
import { EditedSpan, provisionalResult, ScanMemo } from '../core/lint/provisional';
import { ShardPool } from '../core/lint/lint-parallel';
import type { FileLintResult, LintOptions, LintSeeds } from '../core/lint';
import { decodedIfParquet, parquetRowsText } from '../core/dataset/parquet';
import { recordAtLine } from '../core/dataset/read';
import type { SourceRecord } from '../core/dataset/types';
import { fixText } from '../core/lint/fix-text';
import { loadTokenizer, type ModelTokenizer } from '../core/tokenizer/model-tokenizer';
import { trainingInput } from '../core/tokenizer/training-input';
import { readDocumentFile } from './documentFile';
import { recordStringEdits, recordValueEdits, STRING_CLEANUPS } from './stringValueFixes';
import { applyChanges } from '../core/dataset/text-changes';
import { computeOverview, ESTIMATED_RECORD_TOKENS, type RecordCounter } from './overviewData';
import { contextOnly, estimateRecordTokens, MAX_HOVER_RECORD_CHARS } from './recordTokens';
import type { DocLintResult, LeakageCheck, PairInput, RecordTokensInfo, SessionBuild, TextChange, TrainingRef, WorkerRequest, WorkerResponse } from './lintProtocol';
import { MAX_TRAINING_BYTES, TrainingFeaturesCache, type TrainingText } from './trainingFeaturesCache';

/** An incremental lint of one document (src/core/lint createLintSession) where the core offers it. */
interface LintSession {
  update(text: string): FileLintResult;
  updateSteps(text: string): Generator<void, FileLintResult>;
  edit(changes: readonly TextChange[]): boolean;
  lint(): FileLintResult;
  text(): string;
  readonly holdsText: boolean;
  readonly lastUpdate?: { linesChecked: number; linesReused: number; linesSeeded?: number };
  recordAt?(line: number): { record?: SourceRecord } | undefined;
}
/** `seeds`: what a threaded lint of the text the first update gets worked out per record (lintTextParallel's). */
type SessionFactory = (path: string, options?: LintOptions, seeds?: LintSeeds) => LintSession;
// Looked up by name at run time: the bundler would otherwise fix a missing export to `undefined` at build time.
const SESSION_EXPORT = 'createLintSession';
const createSession = (lint as unknown as Record<string, SessionFactory | undefined>)[SESSION_EXPORT];

/**
 * A document at least this long is linted on several threads the first time (lintTextParallel), and its incremental
 * session is built after that result is out: on one thread a 50 MB file took about 4.4 s to show (bench/editor).
 * Smaller ones go straight to the session, which then costs no more than the threaded lint would save.
 */
const PARALLEL_FIRST_LINT_CHARS = 8_000_000;
const LINT_THREADS = Math.min(availableParallelism(), 4);
/** Threads for threaded lints, started when a large document arrives (loading the bundle takes 0.1-0.2 s). */
let pool: ShardPool | undefined;
let poolIdle: NodeJS.Timeout | undefined;
const POOL_IDLE_MS = 30_000;

function threadPool(): ShardPool {
  clearTimeout(poolIdle);
  pool ??= new ShardPool(LINT_THREADS - 1, __filename);
  poolIdle = setTimeout(() => {
    void pool?.close();
    pool = undefined;
  }, POOL_IDLE_MS).unref();
  return pool;
}

function wantsThreads(d: DocCopy): boolean {
  // A file's bytes stand in for its characters here: at least as many. No text and no bytes: the session holds it.
  const size = d.text?.length ?? d.bytes?.length ?? 0;
  return !!createSession && !d.session && !d.building && size >= PARALLEL_FIRST_LINT_CHARS && LINT_THREADS > 1;
}

/** Exact counting runs at about 0.5 MB/s: the overview of a larger file uses the estimate. */
const EXACT_OVERVIEW_MAX_CHARS = 1_000_000;

/** A session being built (see DocCopy.building); the edits since the threaded lint are DocCopy.edited. */
interface Building {
  /** The text the threaded lint read, and the session is built from. */
  linted: string;
  done: Promise<void>;
  /** What provisional answers' scans of `linted` found, for the next one. */
  memo: ScanMemo;
  /** The text with the edits, made when something asks for it (docText), and of how many edits. */
  text?: { value: string; edits: number };
}

/** The document's text while its session is built: the linted text with the edits since. */
function editedText(b: Building, edited: EditedSpan): string {
  const n = edited.changes.length;
  if (!n) return b.linted;
  if (b.text?.edits !== n) b.text = { value: applyChanges(b.linted, edited.changes), edits: n };
  return b.text.value;
}

interface DocCopy {
  path: string;
  version: number;
  /**
   * The document's text; undefined while the session holds it (plain JSONL): edits then go to the session line by
   * line, and no copy of a 50 MB text is made per keystroke (docText makes one when something needs it).
   */
  text: string | undefined;
  /** The document's UTF-8 bytes as read from its file (openFile), until its text is needed (docText decodes them). */
  bytes?: Buffer;
  /** Read from its file: said in the answer to its first lint. */
  fromFile?: boolean;
  session?: LintSession;
  sessionOptions?: string;
  /** The session's lint of the copy at `version` (recordAt may lint ahead of the lint request that follows its edit). */
  sessionLint?: { session: LintSession; version: number; result: FileLintResult };
  last?: FileLintResult;
  sessionBuild?: SessionBuild;
  /**
   * The session being built from a threaded lint's seeds, a few milliseconds at a time so that edits and lints are
   * answered meanwhile: `linted` is the text `last` is of.
   */
  building?: Building;
  /** Settled when a threaded first lint under way ends (building starts then, if it will). */
  threading?: Promise<void>;
  /** The edits since a threaded first lint began, until its session is built (set whenever `building` is). */
  edited?: EditedSpan;
  /** Time spent applying edits since the last lint (bench/editor). */
  editMs: number;
  /** An eval document: the key of the training features its last lint compared it with (TrainingFeaturesCache.keyOf). */
  leakageKey?: string;
  /** An eval document: its last comparison with its training files (for the overview). */
  leakageCheck?: LeakageCheck;
  /** An eval document: what its records needed for the comparison, kept for the next one. */
  evalFeatures?: lint.EvalFeatureCache;
}

const docs = new Map<string, DocCopy>();
/** Training files' features for the leakage of open eval documents. */
const trainingFeatures = new TrainingFeaturesCache();
/** Why a document's file was not taken as its text (openFile), for the host's log. */
const fileRefused = new Map<string, string>();

class UnknownDocument extends Error {
  constructor(readonly key: string) {
    const why = fileRefused.get(key);
    super(`the lint worker has no copy of ${key}${why ? ` (its file was not used: ${why})` : ''}`);
  }
}

function doc(key: string): DocCopy {
  const d = docs.get(key);
  if (!d) throw new UnknownDocument(key);
  return d;
}

function docText(d: DocCopy): string {
  if (d.building) return editedText(d.building, d.edited!);
  if (d.text === undefined && d.bytes) {
    d.text = d.bytes.toString('utf8');
    d.bytes = undefined;
  }
  return (d.text ??= d.session!.text());
}

/**
 * The copy's text for a one-off read (the overview, a lint outside the session), without keeping it: a session that
 * holds the text goes on holding it, so the next edit still goes to it line by line instead of copying the text.
 */
function textNow(d: DocCopy): string {
  return d.text === undefined && !d.building && !d.bytes && d.session ? d.session.text() : docText(d);
}

function applyEdit(d: DocCopy, changes: readonly TextChange[]): void {
  if (d.edited) for (const c of changes) d.edited.add(c.offset, c.length, c.text);
  // While the session is built the edits are only noted: the session takes them when built (finishBuild), and no
  // copy of a 50 MB text is made per edit (a second edit of a concatenated text would flatten it: 60 ms).
  if (d.building) return;
  if (d.text === undefined && d.session) {
    // Held by the session; when it is no longer plain JSONL, the session applied the edits and its text is the document's.
    if (!d.session.edit(changes)) d.text = d.session.text();
    return;
  }
  d.text = applyChanges(docText(d), changes);
}

function lintDoc(key: string, options: LintOptions | undefined, wait?: boolean, leakageFrom?: TrainingRef[]): DocLintResult | Promise<DocLintResult> {
  const d = doc(key);
  // An eval document is linted as lintFiles lints an eval file (evalFileOptions), plus its leakage.
  const own = leakageFrom?.length ? lint.evalFileOptions(options ?? {}) : options;
  const answer = lintDocAlone(key, own, wait);
  if (!leakageFrom?.length || options?.severity?.leakage === 'off') {
    d.leakageKey = d.leakageCheck = undefined;
    return answer;
  }
  return answer instanceof Promise ? answer.then((a) => withEvalLeakage(key, a, own!, leakageFrom, wait)) : withEvalLeakage(key, answer, own!, leakageFrom, wait);
}

/** lintDoc of the document by itself, without training files. */
function lintDocAlone(key: string, options: LintOptions | undefined, wait?: boolean): DocLintResult | Promise<DocLintResult> {
  const d = doc(key);
  if (wantsThreads(d)) return firstLintOnThreads(key, d, options);
  const building = d.building;
  if (building) {
    const optionsKey = JSON.stringify(options ?? {});
    const quick = !wait && optionsKey === d.sessionOptions ? provisional(d, building) : undefined;
    // Otherwise the whole answer, once the session is built (a lint under other options builds another).
    return quick ?? building.done.then(() => lintDocAlone(key, options));
  }
  return lintDocNow(key, options);
}

/**
 * A lint of an eval document's text that also compares it with its training files (features read first when they
 * changed), for one-off questions: every finding of a code (fix-all past the per-code limit), Fix All with leakage.
 */
async function withTrainingFiles(refs: readonly TrainingRef[], options: LintOptions): Promise<(path: string, text: string, o: LintOptions) => FileLintResult> {
  const { texts } = trainingTexts(refs);
  const threshold = lint.leakageThreshold(options);
  let features = texts.length ? trainingFeatures.current(texts, threshold) : undefined;
  // Over the size kept for the editor nothing is compared, as in the document's lints (the overview says why).
  if (!features && texts.length && texts.reduce((n, t) => n + t.size(), 0) <= MAX_TRAINING_BYTES) features = await trainingFeatures.read(texts, threshold);
  return (path, text, o) => {
    const alone = lint.lintSource(path, text, o);
    return features ? lint.withLeakage(alone, lint.evalLeakage(path, text, features, o)) : alone;
  };
}

/** Drops the training features no open eval document was last compared with. */
function pruneTrainingFeatures(): void {
  trainingFeatures.keepOnly(new Set([...docs.values()].map((c) => c.leakageKey).filter((k) => k !== undefined)));
}

/** The training files as they are now: open ones from the worker's copies, the others from disk (missing ones left out). */
function trainingTexts(refs: readonly TrainingRef[]): { texts: TrainingText[]; missing: string[] } {
  const texts: TrainingText[] = [];
  const missing: string[] = [];
  for (const ref of refs) {
    const copy = ref.doc === undefined ? undefined : docs.get(ref.doc);
    if (copy && !copy.building) {
      texts.push({ path: ref.path, stamp: `${ref.doc}@${copy.version}`, size: () => textNow(copy).length, read: () => Promise.resolve(textNow(copy)) });
      continue;
    }
    try {
      const st = statSync(ref.path);
      if (!st.isFile()) throw new Error('not a file');
      texts.push({ path: ref.path, stamp: `${st.mtimeMs}:${st.size}`, size: () => st.size, read: () => decodedIfParquet(readFileSync(ref.path)) });
    } catch {
      missing.push(ref.path);
    }
  }
  return { texts, missing };
}

/**
 * An eval document's answer with its records compared with its training files (leakage). Kept training features make
 * this about a tenth of a second for a 50 MB training file (bench/editor/eval-leakage.cjs); when they must be read first, the answer is provisional (compared with the features of
 * the files as they were, if any) and reading waits for the host's follow-up (`wait`), so that the document's own
 * findings are not held up by reading its training files.
 */
async function withEvalLeakage(key: string, a: DocLintResult, options: LintOptions, refs: readonly TrainingRef[], wait?: boolean): Promise<DocLintResult> {
  if (a.provisional) return a;
  const d = doc(key);
  const evalFeatures = (d.evalFeatures ??= new lint.EvalFeatureCache());
  const t0 = performance.now();
  const { texts, missing } = trainingTexts(refs);
  const trainPaths = texts.map((t) => t.path);
  const skipped = (why: string, paths = trainPaths): DocLintResult => {
    d.leakageCheck = { trainPaths: paths, trainingRecords: 0, read: false, ms: performance.now() - t0, skipped: why };
    return { ...a, leakage: d.leakageCheck };
  };
  if (!texts.length) return skipped(`not found: ${missing.join(', ')}`, missing);
  const threshold = lint.leakageThreshold(options);
  d.leakageKey = TrainingFeaturesCache.keyOf(texts, threshold);
  let features = trainingFeatures.current(texts, threshold);
  const read = !features;
  if (!features) {
    const size = texts.reduce((n, t) => n + t.size(), 0);
    if (size > MAX_TRAINING_BYTES) {
      return skipped(`the training files hold ${Math.round(size / 1048576)} MB, over the ${MAX_TRAINING_BYTES / 1048576} MB compared at each edit: \`tunelab lint --eval\` and the check before training compare them`);
    }
    if (!wait) {
      // Until the follow-up reads them: compared with the files as they were, so that findings do not come and go.
      const earlier = trainingFeatures.earlier(texts, threshold);
      return { ...a, result: earlier ? lint.withLeakage(a.result, lint.evalLeakage(d.path, textNow(d), earlier, options, evalFeatures)) : a.result, provisional: true };
    }
    try {
      features = await trainingFeatures.read(texts, threshold);
    } catch (err) {
      return skipped(`cannot read them: ${err instanceof Error ? err.message : String(err)}`); // an answer: a rejection would be asked again
    }
    pruneTrainingFeatures();
    // Edited while the training files were read: the document's own findings are of an older text.
    if (docs.get(key) !== d) throw new UnknownDocument(key);
    if (d.version !== a.version) a = lintDocNow(key, options);
  }
  const result = lint.withLeakage(a.result, lint.evalLeakage(d.path, textNow(d), features, options, evalFeatures));
  d.last = result;
  d.leakageCheck = { trainPaths, trainingRecords: features.records, read, ms: performance.now() - t0 };
  return { ...a, result, leakage: d.leakageCheck };
}

/** The answer to a lint while the session is built: the threaded result (of `linted`) with the edited lines linted again. */
function provisional(d: DocCopy, { linted, memo }: Building): DocLintResult | undefined {
  if (!d.last) return undefined;
  const t0 = performance.now();
  const result = provisionalResult(d.path, linted, d.last, d.edited!, JSON.parse(d.sessionOptions!) as LintOptions, memo);
  return result && { ...answerOf(d, d.version, result, t0, { incremental: false }), provisional: true };
}

/**
 * The first lint of a large document on LINT_THREADS threads (the same findings as the session's); the session is
 * built right after the answer is posted, from what the threads worked out per record, so that edits are re-checked
 * incrementally from then on.
 */
async function firstLintOnThreads(key: string, d: DocCopy, options: LintOptions | undefined): Promise<DocLintResult> {
  let ended!: () => void;
  d.threading = new Promise<void>((resolve) => { ended = resolve; });
  try {
    return await lintOnThreads(key, d, options);
  } finally {
    d.threading = undefined;
    ended();
  }
}

async function lintOnThreads(key: string, d: DocCopy, options: LintOptions | undefined): Promise<DocLintResult> {
  const t0 = performance.now();
  const { version, text, bytes } = d;
  // Edits from now on are noted, for the provisional answers while the session is built.
  const edited = (d.edited = new EditedSpan());
  const seeds: LintSeeds = { summaries: [] };
  const threads = { jobs: LINT_THREADS, pool: threadPool(), seeds };
  const result = text !== undefined ? await lint.lintTextParallel(d.path, text, options ?? {}, threads) : await lint.lintBytesParallel(d.path, bytes!, options ?? {}, threads);
  // No session to build from this lint: stop noting edits (unless a build going on meanwhile notes them).
  if ((!result || docs.get(key) !== d || d.session) && !d.building && d.edited === edited) d.edited = undefined;
  if (!result) return lintDocNow(key, options); // unfit for threads (lintTextParallel): the session lints it
  if (docs.get(key) !== d || d.session || d.building) return answerOf(d, version, result, t0, { incremental: false, threads: LINT_THREADS });
  // The text the seeds are of: the bytes' text is decoded once, and is the copy's own while no edit came.
  const linted = text ?? (d.bytes === bytes ? docText(d) : bytes!.toString('utf8'));
  d.last = result; // of `linted`: provisional answers start from it
  d.sessionOptions = JSON.stringify(options ?? {});
  d.building = { linted, done: buildInSteps(key, d, options, { text: linted, seeds }), memo: new ScanMemo() };
  return answerOf(d, version, result, t0, { incremental: false, threads: LINT_THREADS });
}

/** Work done on a session build before other messages get their turn. */
const BUILD_SLICE_MS = 15;

/** buildSession from a threaded lint's seeds, in slices of BUILD_SLICE_MS between which the worker takes messages. */
function buildInSteps(key: string, d: DocCopy, options: LintOptions | undefined, seeded: { text: string; seeds: LintSeeds }): Promise<void> {
  const t0 = performance.now();
  const session = createSession!(d.path, options, seeded.seeds);
  const steps = session.updateSteps(seeded.text);
  return new Promise<void>((resolve) => {
    const slice = (): void => {
      // The document was closed or sent again: its build stops here.
      if (docs.get(key) !== d) return resolve();
      try {
        for (const end = performance.now() + BUILD_SLICE_MS; ;) {
          const r = steps.next();
          if (r.done) {
            finishBuild(d, session, t0, r.value);
            return resolve();
          }
          if (performance.now() >= end) break;
        }
      } catch {
        // An edit that does not apply (the copy is out of step) or a failed build: the copy goes, and the next lint
        // asks the host for the text again.
        docs.delete(key);
        return resolve();
      }
      setImmediate(slice);
    };
    setImmediate(slice);
  });
}

/** The built session takes over the document: the edits made while it was built are read into it. */
function finishBuild(d: DocCopy, session: LintSession, t0: number, result: FileLintResult): void {
  d.sessionBuild = sessionBuildOf(session, t0);
  const changes = d.edited!.changes;
  if (changes.length) result = session.edit(changes) ? session.lint() : session.update(session.text()); // the edited lines only
  d.building = undefined;
  d.edited = undefined;
  d.session = session;
  d.text = session.holdsText ? undefined : session.text();
  d.bytes = undefined;
  d.last = result;
}

/** What building `session`, begun at performance.now() `t0`, took (its first update's records). */
function sessionBuildOf(session: LintSession, t0: number): SessionBuild {
  const built = session.lastUpdate;
  return { ms: performance.now() - t0, records: built ? built.linesChecked + built.linesReused : 0, seeded: built?.linesSeeded ?? 0 };
}

/** The answer to a lintDoc begun at performance.now() `t0`, with the time spent on edits since the last one. */
function answerOf(d: DocCopy, version: number, result: FileLintResult, t0: number, how: Pick<DocLintResult, 'incremental' | 'threads' | 'session'>): DocLintResult {
  const editMs = d.editMs;
  d.editMs = 0;
  const fromFile = d.fromFile;
  d.fromFile = undefined;
  const now = performance.now();
  return { version, result, ms: now - t0, ...how, editMs, fromFile, startedAt: performance.timeOrigin + t0, endedAt: performance.timeOrigin + now };
}

function buildSession(d: DocCopy, options: LintOptions | undefined): FileLintResult {
  const t0 = performance.now();
  const text = docText(d);
  d.session = createSession!(d.path, options);
  d.sessionOptions = JSON.stringify(options ?? {});
  const result = d.session.update(text);
  d.sessionBuild = sessionBuildOf(d.session, t0);
  if (d.session.holdsText) d.text = undefined;
  d.last = result;
  return result;
}

function lintDocNow(key: string, options: LintOptions | undefined): DocLintResult {
  const d = doc(key);
  const t0 = performance.now();
  const optionsKey = JSON.stringify(options ?? {});
  let result: FileLintResult;
  let incremental = false;
  let session: SessionBuild | undefined;
  if (createSession) {
    if (!d.session || d.sessionOptions !== optionsKey) {
      result = buildSession(d, options);
    } else {
      incremental = true;
      session = d.sessionBuild;
      result = sessionLintNow(d, d.session);
    }
  } else {
    result = lint.lintText(d.path, docText(d), options);
  }
  d.last = result;
  return answerOf(d, d.version, result, t0, { incremental, session });
}

/** The session's lint of the copy as it is now, done once per version. */
function sessionLintNow(d: DocCopy, s: LintSession): FileLintResult {
  if (d.sessionLint?.session === s && d.sessionLint.version === d.version) return d.sessionLint.result;
  const result = d.text === undefined ? s.lint() : s.update(d.text);
  if (s.holdsText) d.text = undefined;
  d.sessionLint = { session: s, version: d.version, result };
  return result;
}

function tokenizerFor(modelDir: string | undefined): { tokenizer?: ModelTokenizer; why?: string } {
  if (!modelDir) return { why: 'no model chosen' };
  try {
    return { tokenizer: loadTokenizer(modelDir) };
  } catch (err) {
    return { why: err instanceof Error ? err.message : String(err) };
  }
}

function recordTokens(modelDir: string | undefined, recordText: string): RecordTokensInfo {
  let value: unknown;
  try {
    value = JSON.parse(recordText);
  } catch {
    return { exact: false, label: 'estimate', skipped: 'the line is not valid JSON' };
  }
  return recordValueTokens(modelDir, value);
}

function recordValueTokens(modelDir: string | undefined, value: unknown): RecordTokensInfo {
  const input = trainingInput(value); // read once: for the count and for the turns kept as context
  const { tokenizer, why } = tokenizerFor(modelDir);
  if (!tokenizer) return estimateRecordTokens(value, `estimate: ${why}`, input);
  const counted = tokenizer.countInput(input);
  const label = `tokenizer of ${tokenizer.name}`;
  if (counted.kind === 'skip') return { exact: true, label, skipped: counted.reason };
  return { exact: true, label, tokens: counted.tokens, rendered: counted.kind === 'chat' ? counted.rendered : undefined, contextOnly: contextOnly(input) };
}

/**
 * The duplicate and near-duplicate findings past the per-code limit, for whole clusters in the overview (a cluster
 * cut at the limit would show 1,000 of 1,499 copies): a one-off lint with the other rules off. Undefined when none
 * was left out.
 */
function clusterFindings(d: DocCopy, text: string, result: FileLintResult): lint.Finding[] | undefined {
  const codes: lint.LintCode[] = ['duplicate', 'near-duplicate'];
  const cut = codes.some((c) => (result.stats.findingsByCode[c] ?? 0) > result.findings.filter((f) => f.code === c && f.related.length).length);
  if (!cut) return undefined;
  const options = (d.sessionOptions ? JSON.parse(d.sessionOptions) : {}) as LintOptions;
  return lint.lintText(d.path, text, lint.everyFindingOf(options, codes)).findings;
}

function overview(key: string, modelDir: string | undefined): ReturnType<typeof computeOverview> | Promise<ReturnType<typeof computeOverview>> {
  const d = doc(key);
  // Counts and lines of the text as it is: the session being built has the last edits only when done.
  if (d.building) return d.building.done.then(() => overview(key, modelDir));
  const result = d.last ?? lintDocNow(key, undefined).result;
  const text = textNow(d);
  let counter: RecordCounter = ESTIMATED_RECORD_TOKENS;
  if (text.length <= EXACT_OVERVIEW_MAX_CHARS) {
    const { tokenizer } = tokenizerFor(modelDir);
    if (tokenizer) {
      counter = {
        exact: true,
        label: `tokenizer of ${tokenizer.name}`,
        count: (value) => {
          const r = tokenizer.countRecord(value);
          return r.kind === 'skip' ? undefined : r.tokens;
        },
      };
    }
  } else {
    counter = { ...ESTIMATED_RECORD_TOKENS, label: 'estimate (file over 1 MB; exact counts are in the hover)' };
  }
  const name = d.path.split(/[\\/]/).pop() ?? d.path;
  return computeOverview(key, name, text, result, counter, clusterFindings(d, text, result), d.leakageCheck);
}

async function pairInput(p: PairInput): Promise<lint.LintInput> {
  return { path: p.path, input: await decodedIfParquet(typeof p.input === 'string' ? p.input : Buffer.from(p.input)) };
}

function answer(req: WorkerRequest): unknown {
  switch (req.type) {
    case 'lint': // Parquet (the trainer reads it) is decoded into its rows first
      return decodedIfParquet(typeof req.input === 'string' ? req.input : Buffer.from(req.input)).then((input) => lint.lintSource(req.path, input, req.options));
    case 'lintPair': // the check before a training run: a large training file on threads, as its first lint
      return Promise.all([pairInput(req.train), pairInput(req.eval)]).then(([train, held]) => (LINT_THREADS > 1
        ? lint.lintTrainAndEvalParallel(train, held, req.options ?? {}, { jobs: LINT_THREADS, pool: threadPool(), minChars: PARALLEL_FIRST_LINT_CHARS })
        : lint.lintTrainAndEval(train, held, req.options)));
    case 'open':
      fileRefused.delete(req.doc);
      return opened(req.doc, { path: req.path, version: req.version, text: req.text, editMs: 0 });
    case 'openFile': {
      const { bytes, why } = readDocumentFile(req.path, req.facts);
      if (!bytes) {
        docs.delete(req.doc);
        fileRefused.set(req.doc, why ?? 'unknown');
        return undefined;
      }
      fileRefused.delete(req.doc);
      return opened(req.doc, { path: req.path, version: req.version, text: undefined, bytes, fromFile: true, editMs: 0 });
    }
    case 'edit': {
      const d = docs.get(req.doc);
      if (!d) return undefined;
      try {
        const t0 = performance.now();
        applyEdit(d, req.changes);
        d.editMs += performance.now() - t0;
        d.version = req.version;
      } catch {
        // The copy went out of step: drop it, and the next lint asks the host for the whole text again.
        docs.delete(req.doc);
      }
      return undefined;
    }
    case 'close':
      docs.delete(req.doc);
      fileRefused.delete(req.doc);
      pruneTrainingFeatures();
      return undefined;
    case 'lintDoc':
      return lintDoc(req.doc, req.options, req.wait, req.leakageFrom);
    case 'lintDocOnce': {
      const d = doc(req.doc);
      if (d.version !== req.version) return undefined;
      if (!req.leakageFrom?.length) return lint.lintSource(d.path, textNow(d), req.options);
      return withTrainingFiles(req.leakageFrom, req.options).then((lintEval) => (d.version === req.version ? lintEval(d.path, textNow(d), req.options) : undefined));
    }
    case 'fixAll': {
      const d = doc(req.doc);
      if (d.version !== req.version) return undefined;
      if (!req.leakageFrom?.length || !req.codes.includes('leakage')) {
        const { edits, fixed } = fixText(d.path, textNow(d), req.codes, req.options);
        return { edits, fixed };
      }
      return withTrainingFiles(req.leakageFrom, req.options).then((lintEval) => {
        if (d.version !== req.version) return undefined;
        const { edits, fixed } = fixText(d.path, textNow(d), req.codes, req.options, (t, o) => lintEval(d.path, t, o).findings);
        return { edits, fixed };
      });
    }
    case 'stringEdits': {
      const d = doc(req.doc);
      const transform = STRING_CLEANUPS[req.cleanup];
      if (req.line === undefined) return recordStringEdits(textNow(d), d.path, transform);
      return withRecordAt(req.doc, req.line, (rec) => (rec ? recordValueEdits(rec, transform) : []));
    }
    case 'parquetRows':
      return parquetRowsText(Buffer.from(req.bytes.buffer, req.bytes.byteOffset, req.bytes.byteLength), req.maxBytes);
    case 'overview':
      return overview(req.doc, req.modelDir);
    case 'recordTokens':
      return recordTokens(req.modelDir, req.recordText);
    case 'recordTokensAt':
      return withRecordAt(req.doc, req.line, (rec) => (rec && rec.text.length <= MAX_HOVER_RECORD_CHARS ? { info: recordValueTokens(req.modelDir, rec.value), span: rec.span } : undefined));
  }
}

/**
 * `then` of recordAt(line) of document `key`, once its session is built when a threaded first lint or the build after
 * it is under way: reading the whole text for one record then (0.5-1.5 s for 50 MB, asked three times after each edit
 * for the quick fixes) took the cores that lint and build need. The host drops an answer that comes after an edit.
 */
function withRecordAt<T>(key: string, line: number, then: (rec: SourceRecord | undefined) => T): T | Promise<T> {
  const d = doc(key);
  const pending = d.threading ?? d.building?.done;
  return pending ? pending.then(() => withRecordAt(key, line, then)) : then(recordAt(d, line));
}

/**
 * The valid record covering 1-based `line` of the copy: from its session when that holds the text record by record
 * (the editor asks for the record under the cursor after every edit, for its quick fixes: reading a 50 MB CSV file
 * for it took about 0.3 s, three times per edit), else read from the whole text. An edit not linted yet is linted
 * first: the lint request that follows it takes that result (sessionLintNow).
 */
function recordAt(d: DocCopy, line: number): SourceRecord | undefined {
  const s = d.session;
  let held: { record?: SourceRecord } | undefined;
  if (s?.recordAt && !d.bytes) { // no build under way: withRecordAt waited for it
    sessionLintNow(d, s);
    held = s.recordAt(line);
  }
  return held ? held.record : recordAtLine(textNow(d), d.path, line);
}

function opened(key: string, d: DocCopy): undefined {
  docs.set(key, d);
  if (wantsThreads(d)) threadPool(); // its threads load while the host asks for the lint
  return undefined;
}

function respond(req: WorkerRequest, value: unknown, err?: unknown): void {
  if (!('id' in req)) return;
  let response: WorkerResponse;
  if (err === undefined) response = { id: req.id, value };
  else if (err instanceof UnknownDocument) response = { id: req.id, error: err.message, unknownDoc: err.key }; // expected: no stack
  else response = { id: req.id, error: err instanceof Error ? err.stack ?? err.message : String(err) };
  parentPort?.postMessage(response);
}

// The bundle also runs the threads of a threaded lint (lint-parallel.ts serves those): they must not answer here.
if (!lint.isShardWorker()) {
  parentPort?.on('message', (req: WorkerRequest) => {
    try {
      const value = answer(req);
      if (value instanceof Promise) value.then((v) => respond(req, v), (e: unknown) => respond(req, undefined, e ?? 'failed'));
      else respond(req, value);
    } catch (err) {
      respond(req, undefined, err ?? 'failed');
    }
  });
}
