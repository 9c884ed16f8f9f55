// Issue "windowed state" acceptance on the real broker: a windowed job in a child process is
// SIGKILLed 5 times at random moments while traffic arrives; after the last restart drains the
// input, every window in the store (via the API) and the last value of every window on the
// output topic equal an oracle computed from the input — nothing lost, nothing counted twice.
// The full-size run (200k events) is bench/proofs/crash-proof.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBrokers, uniqueTestName } from './kafka-test-env.js';
import { runCrashScenario } from './support/crash-scenario.js';
import { deleteTopicsWithPrefix } from './support/proof-env.js';
import { assertBuilt } from './support/sluice-process.js';
import { formatComparison } from './support/window-oracle.js';

const EVENTS = 50_000;
const KILLS = 5;

describe('crash consistency of windowed state (child process, SIGKILL)', () => {
  const brokers = testBrokers();
  const prefix = `${uniqueTestName('crash')}-`;
  let workDir = '';

  beforeAll(async () => {
    assertBuilt();
    workDir = await mkdtemp(join(tmpdir(), 'sluice-crash-it-'));
  });
  afterAll(async () => {
    await deleteTopicsWithPrefix(brokers, prefix).catch(() => undefined);
    if (workDir && process.env.SLUICE_KEEP_PROOF_DIRS !== '1') {
      await rm(workDir, { recursive: true, force: true });
    }
  });

  it(`${EVENTS} events, ${KILLS} kills: lost = 0 and double-counted = 0`, async () => {
    const report = await runCrashScenario({
      brokers,
      workDir,
      prefix,
      events: EVENTS,
      // Traffic keeps arriving across the kills (~25 s of it), so kills hit a working job.
      ratePerSec: 2_000,
      kills: KILLS,
      killDelayMs: [1_000, 4_000],
      seed: 23,
      commitIntervalMs: 200,
      sessionTimeoutMs: 6_000,
      log: (line) => console.log(line),
    });
    console.log(
      `input ${report.inputRecords} events → ${report.oracleWindows} windows; ` +
        `${report.outputRecords} output records; dead letters ${report.deadLetters}; ` +
        `drained ${report.drainMs} ms after the final start; total ${report.totalMs} ms`,
    );
    console.log(formatComparison('store via API', report.store));
    console.log(formatComparison('output topic, last value per window', report.output));
    console.log(`lost = ${report.store.lost} (store), ${report.output.lost} (output topic)`);
    console.log(
      `double-counted = ${report.store.doubleCounted} (store), ${report.output.doubleCounted} (output topic)`,
    );

    expect(report.kills).toHaveLength(KILLS);
    expect(report.inputRecords).toBe(EVENTS);
    expect(report.deadLetters).toBe(0);
    for (const c of [report.store, report.output]) {
      expect(c.examples, c.examples.join('\n')).toEqual([]);
      expect(c.lost).toBe(0);
      expect(c.doubleCounted).toBe(0);
      expect(c.missingWindows).toBe(0);
      expect(c.unexpectedWindows).toBe(0);
      expect(c.revenueMismatches).toBe(0);
      expect(c.observedWindows).toBe(report.oracleWindows);
    }
    // Replays after the kills re-emit updates: the topic holds at least one record per event.
    expect(report.outputRecords).toBeGreaterThanOrEqual(EVENTS);
  }, 300_000);
});
