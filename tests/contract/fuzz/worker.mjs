// Worker thread of the loader fuzzer: registers tsx (workers do not inherit `--import tsx`), runs its
// slice of cases and posts the result to tests/contract/fuzz.test.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { runCases } = await import('./mutate.ts');
const { seed, from, to } = workerData;
parentPort.postMessage(runCases(seed, from, to));
