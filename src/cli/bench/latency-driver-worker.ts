// Worker-thread entry of the latency phase of `sluice bench`: runs the latency driver with the
// options it was given and posts the result back (the engine keeps the main thread to itself).

import { parentPort, workerData } from 'node:worker_threads';
import { runLatencyDriver, type LatencyDriverOptions } from './latency-driver.js';

const result = await runLatencyDriver(workerData as LatencyDriverOptions);
parentPort?.postMessage(result);
