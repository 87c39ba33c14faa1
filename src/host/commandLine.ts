// Display helpers with no `vscode` import (tested with node:test).
import * as os from 'node:os';

/** A command line as a POSIX shell would need it typed, for the log only (spawns never go through a shell). */
export function formatCommandLine(args: readonly string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Expands `${workspaceFolder}`, `${userHome}` and a leading `~` in a path setting. */
export function expandPathSetting(value: string, workspaceFolder?: string): string {
  let v = value.trim();
  if (v === '') return v;
  v = v.replace(/\$\{userHome\}/g, os.homedir());
  if (workspaceFolder) v = v.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
  if (v === '~' || v.startsWith('~/')) v = os.homedir() + v.slice(1);
  return v;
}
