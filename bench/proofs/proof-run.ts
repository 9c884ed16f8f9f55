// What every proof script does around its scenario: checks the build, makes a fresh topic prefix
// and work dir, logs with timestamps, cleans both up unless --keep, and turns the result into the
// exit code (0 = PASS).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteTopicsWithPrefix, uniqueName } from '../../test/integration/support/proof-env.js';
import { assertBuilt } from '../../test/integration/support/sluice-process.js';

export interface ProofRun {
  readonly brokers: string[];
  /** Prefix of every topic the proof creates (`<name>-<random>-`). */
  readonly prefix: string;
  readonly workDir: string;
  readonly log: (line: string) => void;
}

/** Runs `body` (which returns the exit code) and sets process.exitCode; never throws. */
export function runProof(
  name: string,
  options: { readonly brokers: string; readonly keep: boolean },
  body: (run: ProofRun) => Promise<number>,
): void {
  const main = async (): Promise<number> => {
    assertBuilt();
    const brokers = options.brokers.split(',');
    const prefix = `${uniqueName(name)}-`;
    const workDir = await mkdtemp(join(tmpdir(), `sluice-${name}-`));
    const log = (line: string): void => console.log(`${new Date().toISOString()} ${line}`);
    log(`work dir ${workDir}, topics ${prefix}*`);
    try {
      return await body({ brokers, prefix, workDir, log });
    } finally {
      if (!options.keep) {
        await deleteTopicsWithPrefix(brokers, prefix).catch(() => undefined);
        await rm(workDir, { recursive: true, force: true });
      } else {
        log(`kept ${workDir} and topics ${prefix}*`);
      }
    }
  };
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exitCode = 1;
    },
  );
}
