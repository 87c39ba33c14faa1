// The host's verdict on a form from the training page: the same validateConfig the CLI and RunManager use,
// with the files checked. Kept free of `vscode` (the caller passes how a form is completed) so it is unit-tested.
import { validateConfig, type ConfigProblem, type RunConfig } from '../core/config';
import type { FormConfig } from '../../webview/protocol';

/** Every problem of the run a form would start, at once; each says what to fix. */
export function formProblems(form: FormConfig, complete: (form: FormConfig) => RunConfig): ConfigProblem[] {
  let config: RunConfig;
  try {
    config = complete(form);
  } catch (err) {
    return [{ field: '', message: `the form could not be read: ${err instanceof Error ? err.message : String(err)}` }];
  }
  return validateConfig(config, { checkPaths: true });
}
