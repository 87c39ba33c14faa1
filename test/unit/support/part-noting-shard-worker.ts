// A lint worker (lint-parallel.ts's handler) that notes in the file TUNELAB_TEST_TASK_LOG names each task's mode and
// part (the container of the JSON array's or CSV file's parts it lints, or none) and whether its result read as the
// whole file reads there: the test sees which path the lint took.
import { appendFileSync } from 'node:fs';
import { parentPort, type Transferable } from 'node:worker_threads';

const port = parentPort!;
const note = (line: string): void => {
  const log = process.env.TUNELAB_TEST_TASK_LOG;
  if (log) appendFileSync(log, `${line}\n`);
};
port.on('message', (task: { mode?: string; part?: { container: string }; read?: { container: string } }) => note(`${task.mode} ${(task.part ?? task.read)?.container ?? 'none'}`));
const post = port.postMessage.bind(port);
port.postMessage = (message: unknown, transfer?: readonly Transferable[]): void => {
  const result = (message as { result?: { readsAsWhole?: boolean } }).result;
  if (result) note(`read as whole: ${result.readsAsWhole}`);
  post(message, transfer);
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../../../src/core/lint/lint-parallel');
