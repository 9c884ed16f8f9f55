// Issue "windowed state" acceptance on the real broker: a windowed job in a child process runs
// to the end of its input and answers key queries; it stops, its state dir is deleted, and a new
// process rebuilds the stores from the changelog and answers the same. Prints the restore rate.
// Keyed by event_id, so every event is its own store key and one changelog record.
// The 1M-record figure is bench/proofs/restore-proof.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBrokers, uniqueTestName } from './kafka-test-env.js';
import { deleteTopicsWithPrefix } from './support/proof-env.js';
import { runRestoreScenario } from './support/restore-scenario.js';
import { assertBuilt } from './support/sluice-process.js';

const EVENTS = 100_000;

describe('restore of windowed state from the changelog (child process)', () => {
  const brokers = testBrokers();
  const prefix = `${uniqueTestName('restore')}-`;
  let workDir = '';

  beforeAll(async () => {
    assertBuilt();
    workDir = await mkdtemp(join(tmpdir(), 'sluice-restore-it-'));
  });
  afterAll(async () => {
    await deleteTopicsWithPrefix(brokers, prefix).catch(() => undefined);
    if (workDir && process.env.SLUICE_KEEP_PROOF_DIRS !== '1') {
      await rm(workDir, { recursive: true, force: true });
    }
  });

  it('answers the same queries after the state dir is deleted', async () => {
    const report = await runRestoreScenario({
      brokers,
      workDir,
      prefix,
      events: EVENTS,
      seed: 31,
      keyBy: 'event_id',
      sampleKeys: 100,
      compareAll: false,
      commitIntervalMs: 1_000,
      log: (line) => console.log(line),
    });
    const f = report.figures;
    console.log(
      `restore: ${f.records} changelog records into ${f.partitions} partitions in ${f.restoreMs} ms ` +
        `→ ${f.recordsPerSecond} records/s (wall ${f.wallMs} ms → ${f.wallRecordsPerSecond} records/s); ` +
        `sluice_restore_records_total ${f.metricRecords}; changelog ${report.changelogRecords} records`,
    );
    console.log(
      `sampled ${report.sampledKeys.length} keys: wrong before ${report.wrongAnswers.length}, ` +
        `changed after restore ${report.changedAnswers.length}`,
    );

    expect(report.inputRecords).toBe(EVENTS);
    expect(report.sampledKeys).toHaveLength(100);
    expect(report.wrongAnswers).toEqual([]);
    expect(report.changedAnswers).toEqual([]);
    expect(f.partitions).toBe(4);
    // One key per event: every event's window came back from the changelog.
    expect(f.records).toBeGreaterThanOrEqual(EVENTS);
    expect(f.records).toBeLessThanOrEqual(report.changelogRecords);
    expect(f.metricRecords).toBe(f.records);
    expect(f.recordsPerSecond).toBeGreaterThan(0);
  }, 240_000);
});
