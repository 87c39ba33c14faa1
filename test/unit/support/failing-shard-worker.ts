// A lint worker (lint-parallel.ts's handler) that dies as it hands back its second slice: the parallel lint must then
// give the serial result all the same. Test use only.
import { parentPort, type Transferable } from 'node:worker_threads';

let posted = 0;
const port = parentPort!;
const post = port.postMessage.bind(port);
port.postMessage = (message: unknown, transfer?: readonly Transferable[]): void => {
  if ((message as { slice?: number }).slice !== undefined && ++posted === 2) process.exit(3);
  post(message, transfer);
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../../../src/core/lint/lint-parallel');
