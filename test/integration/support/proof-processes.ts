// The proof job of the crash and restore scenarios, written to a job file, and a way to start
// `sluice run` processes on it that share one state dir and API port (a restart finds its state).

import { join } from 'node:path';
import { freePort, proofJob, writeJobFile, type ProofJob } from './proof-env.js';
import { SluiceProcess } from './sluice-process.js';

export interface ProofProcessOptions {
  readonly brokers: readonly string[];
  readonly workDir: string;
  readonly prefix: string;
  readonly keyBy?: string;
  readonly commitIntervalMs: number;
  readonly sessionTimeoutMs?: number;
}

export interface ProofProcesses {
  readonly job: ProofJob;
  /** `<workDir>/state`, the state dir of every process started here. */
  readonly stateDir: string;
  /** Starts a `sluice run` process on the proof job. */
  readonly spawn: () => SluiceProcess;
}

export async function proofProcesses(options: ProofProcessOptions): Promise<ProofProcesses> {
  const job = proofJob(options.prefix, options.keyBy === undefined ? {} : { keyBy: options.keyBy });
  const jobFile = await writeJobFile(options.workDir, job.spec);
  const stateDir = join(options.workDir, 'state');
  const apiPort = await freePort();
  return {
    job,
    stateDir,
    spawn: () =>
      SluiceProcess.start({
        jobFiles: [jobFile],
        brokers: options.brokers,
        stateDir,
        apiPort,
        commitIntervalMs: options.commitIntervalMs,
        ...(options.sessionTimeoutMs === undefined
          ? {}
          : { sessionTimeoutMs: options.sessionTimeoutMs }),
      }),
  };
}
