// Crash-consistency proof at full size on a real broker: 200k generated events through the
// windowed proof job while its process is SIGKILLed 5 times; prints lost / double-counted
// against the oracle for the store (via the API) and the output topic. Exit 1 if either is not 0.
//
//   npm run build && npx tsx bench/proofs/crash-proof.ts --brokers 127.0.0.1:9292
//       [--events 200000] [--rate 4000] [--kills 5] [--kill-delay 1000-4000] [--seed 7]
//       [--key-by category] [--keep]

import { parseArgs } from 'node:util';
import { runCrashScenario } from '../../test/integration/support/crash-scenario.js';
import { formatComparison } from '../../test/integration/support/window-oracle.js';
import { runProof } from './proof-run.js';

const { values } = parseArgs({
  options: {
    brokers: { type: 'string', default: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092' },
    events: { type: 'string', default: '200000' },
    rate: { type: 'string', default: '4000' },
    kills: { type: 'string', default: '5' },
    seed: { type: 'string', default: '7' },
    'commit-interval': { type: 'string', default: '200' },
    'session-timeout': { type: 'string', default: '6000' },
    'key-by': { type: 'string' },
    /** Kill this long after the restarted process opened its first task: min-max, ms. */
    'kill-delay': { type: 'string', default: '1000-4000' },
    keep: { type: 'boolean', default: false },
  },
});

runProof(
  'crash-proof',
  { brokers: values.brokers, keep: values.keep },
  async ({ brokers, prefix, workDir, log }) => {
    const report = await runCrashScenario({
      brokers,
      workDir,
      prefix,
      events: Number(values.events),
      ratePerSec: Number(values.rate),
      kills: Number(values.kills),
      killDelayMs: killDelay(values['kill-delay']),
      seed: Number(values.seed),
      commitIntervalMs: Number(values['commit-interval']),
      sessionTimeoutMs: Number(values['session-timeout']),
      ...(values['key-by'] === undefined ? {} : { keyBy: values['key-by'] }),
      log,
    });
    console.log(
      `input ${report.inputRecords} events, ${report.oracleWindows} windows, ` +
        `${report.kills.length} kills, output records ${report.outputRecords}, ` +
        `dead letters ${report.deadLetters}, drain ${report.drainMs} ms, total ${report.totalMs} ms`,
    );
    console.log(formatComparison('store (API)', report.store));
    console.log(formatComparison('output topic (last value per window)', report.output));
    for (const e of [...report.store.examples, ...report.output.examples]) console.log(`  ${e}`);
    const ok =
      report.store.lost === 0 &&
      report.store.doubleCounted === 0 &&
      report.output.lost === 0 &&
      report.output.doubleCounted === 0 &&
      report.store.revenueMismatches === 0 &&
      report.output.revenueMismatches === 0;
    console.log(`lost = ${report.store.lost} (store), ${report.output.lost} (output topic)`);
    console.log(
      `double-counted = ${report.store.doubleCounted} (store), ${report.output.doubleCounted} (output topic)`,
    );
    console.log(ok ? 'PASS' : 'FAIL');
    return ok ? 0 : 1;
  },
);

function killDelay(text: string): [number, number] {
  const [min, max] = text.split('-').map(Number);
  if (!Number.isFinite(min) || !Number.isFinite(max) || min! > max!) {
    throw new Error(`--kill-delay ${text}: expected MIN-MAX in ms, e.g. 1000-4000`);
  }
  return [min!, max!];
}
