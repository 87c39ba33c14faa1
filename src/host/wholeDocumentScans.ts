// VS Code features that read a whole document, and what they cost a large dataset (bench/editor/RESULTS.md). Pure:
// the adapter (largeDatasetSettings.ts) reads and writes the settings.

export interface WholeDocumentScan {
  /** Configuration section and key, as `vscode.workspace.getConfiguration(section).get(key)` takes them. */
  section: string;
  key: string;
  /** Set for the dataset's language only (`"[jsonl]": {...}`), not for every file. */
  perLanguage: boolean;
  /** What reads the document, and when, for the message. */
  feature: string;
  /** What the user loses with it off, for the message. */
  loses: string;
}

/**
 * On a 50 MB document: merge-conflict reads the whole text after every change (130-170 ms per edit, the larger part
 * of an edit's wait for its diagnostics), link detection when it opens (1.2 s of the extension host's CPU, shared
 * with the first lint), and Unicode highlighting (look-alike and invisible characters) in the editor's web worker
 * when it opens and again after edits (1.6 s of CPU while the first lint ran, 12.6 s in 21 s of edits). With
 * the first three off, typed edits got their diagnostics in 149-226 ms, against 275-459 ms; turning off the
 * highlighting too took the whole file's diagnostics from 2.64-2.97 s to 2.08-2.56 s (bench/editor/RESULTS.md).
 */
export const WHOLE_DOCUMENT_SCANS: readonly WholeDocumentScan[] = [
  { section: 'merge-conflict', key: 'decorators.enabled', perLanguage: false, feature: 'merge-conflict scan (after every edit)', loses: 'merge-conflict colours' },
  { section: 'merge-conflict', key: 'codeLens.enabled', perLanguage: false, feature: 'merge-conflict scan (after every edit)', loses: 'merge-conflict code lenses' },
  { section: 'editor', key: 'links', perLanguage: true, feature: 'link detection (on opening)', loses: 'clickable links' },
  { section: 'editor', key: 'unicodeHighlight.ambiguousCharacters', perLanguage: true, feature: 'Unicode highlighting (on opening and after edits)', loses: 'highlights of look-alike characters' },
  { section: 'editor', key: 'unicodeHighlight.invisibleCharacters', perLanguage: true, feature: 'Unicode highlighting (on opening and after edits)', loses: 'highlights of invisible characters' },
];

/**
 * Tunelab's own language for a JSON array dataset (package.json: no file extension, and link detection and Unicode
 * highlighting off by default). A large `.json` dataset switched to it leaves VS Code's JSON language features, which
 * parse the whole document again after every edit, in another process on the same cores: a 50 MB array's edits got
 * their diagnostics in 112-352 ms as JSON, 74-149 ms without them (bench/editor/RESULTS.md).
 */
export const JSON_DATASET_LANGUAGE = 'json-dataset';

/** The offer's button that switches a JSON document to JSON_DATASET_LANGUAGE. */
export const JSON_MODE_BUTTON = 'Edit as JSON Dataset';

/**
 * The `files.associations` pattern for one file: its workspace-relative path under any folder (VS Code matches a
 * pattern with a `/` against the whole path), or its absolute path. A glob character in the name becomes `?` (any one
 * character): VS Code's globs have no escape.
 */
export function associationPattern(path: string, relative: boolean): string {
  const literal = path.replace(/\\/g, '/').replace(/[[\]{}*?]/g, '?');
  return relative ? `**/${literal}` : literal;
}

/** Documents from this many characters on are offered the change: below it the scans cost little per edit. */
export const LARGE_DATASET_CHARS = 20_000_000;

export function settingId(scan: WholeDocumentScan): string {
  return `${scan.section}.${scan.key}`;
}

/**
 * The scans still on. `current` gives a setting's effective value for the document, undefined where VS Code does
 * not know the setting (its extension disabled): that one cannot be written either.
 */
export function scansStillOn(current: (scan: WholeDocumentScan) => unknown): WholeDocumentScan[] {
  return WHOLE_DOCUMENT_SCANS.filter((s) => current(s) === true);
}

/**
 * The offer's text: the document's size, what of `scans` (those still on) runs, what turning it off costs; and, for a
 * document VS Code reads as JSON (`asJson`), what JSON_MODE_BUTTON does.
 */
export function offerMessage(fileName: string, chars: number, scans: readonly WholeDocumentScan[], language: string, asJson = false): string {
  const mb = Math.round(chars / 1e6);
  const jsonMode = `Tunelab's checks, fixes and hovers go on there; JSON folding, outline and schema validation stop.`;
  if (!scans.length) {
    return `${fileName} is ${mb} MB: VS Code's JSON language features parse the whole file again after every edit, which delays ` +
      `Tunelab's diagnostics. Edit it as a JSON Dataset (Tunelab's mode for it, until the file is closed)? ${jsonMode}`;
  }
  const everywhere = joinWords(scans.filter((s) => !s.perLanguage).map(settingId));
  const perLanguage = joinWords(scans.filter((s) => s.perLanguage).map(settingId));
  const names = !perLanguage ? everywhere : !everywhere ? `${perLanguage} for ${language} files` : `${everywhere}, and for ${language} files ${perLanguage}`;
  const features = [...new Set(scans.map((s) => s.feature))];
  const loses = [...new Set(scans.map((s) => s.loses))];
  const scansText = `${fileName} is ${mb} MB: VS Code's ${joinWords(features)} ${features.length > 1 ? 're-read' : 're-reads'} the whole file, ` +
    `which delays Tunelab's diagnostics as you open and edit it. Turn off ${names}? You lose ${joinWords(loses)} there.`;
  return !asJson ? scansText : `${scansText} Its JSON language features also parse the whole file after every edit: ` +
    `"${JSON_MODE_BUTTON}" switches it to Tunelab's mode for it until it is closed. ${jsonMode}`;
}

function joinWords(xs: readonly string[]): string {
  return xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}
