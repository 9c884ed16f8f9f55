// Restore proof on a real broker: run the windowed proof job to the end of its input, query
// keys, stop it, delete its state dir, restart, and print the restore's records/s and whether
// every sampled answer survived. With `--key-by event_id` each record is its own store key, so
// the changelog holds about one record per event (e.g. 1M events → ~1M changelog records).
//
//   npm run build && npx tsx bench/proofs/restore-proof.ts --brokers 127.0.0.1:9292
//       [--events 1000000] [--key-by event_id] [--compare-all] [--keep]

import { parseArgs } from 'node:util';
import { runRestoreScenario } from '../../test/integration/support/restore-scenario.js';
import { formatComparison } from '../../test/integration/support/window-oracle.js';
import { runProof } from './proof-run.js';

const { values } = parseArgs({
  options: {
    brokers: { type: 'string', default: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092' },
    events: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '11' },
    'key-by': { type: 'string', default: 'event_id' },
    'sample-keys': { type: 'string', default: '200' },
    'commit-interval': { type: 'string', default: '1000' },
    'compare-all': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});

runProof(
  'restore-proof',
  { brokers: values.brokers, keep: values.keep },
  async ({ brokers, prefix, workDir, log }) => {
    const keyBy = values['key-by'];
    const report = await runRestoreScenario({
      brokers,
      workDir,
      prefix,
      events: Number(values.events),
      seed: Number(values.seed),
      ...(keyBy === '' || keyBy === 'none' ? {} : { keyBy }),
      sampleKeys: Number(values['sample-keys']),
      compareAll: values['compare-all'],
      commitIntervalMs: Number(values['commit-interval']),
      drainTimeoutMs: 1_800_000,
      log,
    });
    const f = report.figures;
    console.log(
      `input ${report.inputRecords} events; changelog ${report.changelogRecords} records; ` +
        `first run ${report.firstRunMs} ms`,
    );
    console.log(
      `restore: ${f.records} records into ${f.partitions} partitions in ${f.restoreMs} ms ` +
        `(sum of partition durations) → ${f.recordsPerSecond} records/s; ` +
        `wall ${f.wallMs} ms → ${f.wallRecordsPerSecond} records/s; ` +
        `sluice_restore_records_total ${f.metricRecords}`,
    );
    console.log(
      `sampled keys ${report.sampledKeys.length}: changed after restore ${report.changedAnswers.length}, ` +
        `wrong before restore ${report.wrongAnswers.length}`,
    );
    if (report.afterRestore) console.log(formatComparison('after restore', report.afterRestore));
    const ok =
      report.changedAnswers.length === 0 &&
      report.wrongAnswers.length === 0 &&
      f.partitions === 4 &&
      (report.afterRestore === undefined ||
        (report.afterRestore.lost === 0 && report.afterRestore.doubleCounted === 0));
    console.log(ok ? 'PASS' : 'FAIL');
    return ok ? 0 : 1;
  },
);
