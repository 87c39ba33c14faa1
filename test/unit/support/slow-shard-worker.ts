// A lint worker (lint-parallel.ts's handler) that takes its time over the first slice and then dies without handing
// it back, so that the main thread, done with the other slices, has nothing but the dying worker to wait for.
// Test use only.
import { parentPort } from 'node:worker_threads';

const port = parentPort!;
port.postMessage = (): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
  process.exit(3);
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../../../src/core/lint/lint-parallel');
