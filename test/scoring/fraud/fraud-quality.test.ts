// Detection quality of the shipped fraud job (jobs/fraud-signals.yaml with its rules file) on the
// generator's traffic, broker-free: 400k payments at the default fraud rate through the
// TestDriver (key-by account → repartition → fraud-score), then precision and recall per
// pattern against the labels. Profiles start empty, so the first 200k payments (~100 per
// account, 400 s of event time) are the accounts' history and the next 200k are measured; the
// figures from the first payment on are printed too.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DemoDataGenerator } from '../../../src/cli/generate/demo-data-generator.js';
import { FRAUD_PATTERNS } from '../../../src/cli/generate/fraud-patterns.js';
import { parseJobText } from '../../../src/jobs/job-loader.js';
import { buildTopology } from '../../../src/jobs/topology-builder.js';
import { TestDriver, type TestInput } from '../../../src/runtime/test-driver.js';
import {
  evaluateFraudAlerts,
  formatFraudQuality,
  type FraudAlertInput,
  type FraudLabelInput,
} from '../../../src/scoring/fraud/fraud-evaluation.js';

const JOB_FILE = 'jobs/fraud-signals.yaml';
const HISTORY = 200_000;
const MEASURED = 200_000;
/** Payments per second of event time: the share of `sluice generate`'s default 1000 events/s. */
const PAYMENTS_PER_SEC = 500;
const BATCH = 1000;

describe('fraud detection quality on generated traffic', () => {
  it(`reaches precision and recall ≥ 0.9 per pattern over ${MEASURED / 1000}k payments`, async () => {
    const { spec, problems } = parseJobText(readFileSync(JOB_FILE, 'utf8'), JOB_FILE);
    expect(problems).toEqual([]);
    const driver = new TestDriver(buildTopology(spec!), { partitions: 4 });
    const generator = new DemoDataGenerator({
      startMs: Date.UTC(2026, 0, 1),
      streams: ['transactions'],
      eventRatePerSec: PAYMENTS_PER_SEC,
      seed: 42,
    });
    const labels: FraudLabelInput[] = [];
    let batch: TestInput[] = [];
    let payments = 0;
    let fromMs = 0;
    const startedMs = performance.now();
    for (const m of generator.take(HISTORY + MEASURED)) {
      if (m.stream === 'fraud-labels') {
        labels.push({ ...(JSON.parse(m.value.toString()) as FraudLabelInput), ts: m.timestampMs });
        continue;
      }
      if (++payments === HISTORY + 1) fromMs = m.timestampMs;
      batch.push({ key: m.key, value: m.value, timestampMs: m.timestampMs });
      if (batch.length === BATCH) {
        await driver.pipe('transactions', batch);
        batch = [];
      }
    }
    await driver.pipe('transactions', batch);
    const seconds = (performance.now() - startedMs) / 1000;
    expect(driver.deadLetters()).toEqual([]);

    // emitted_at is the driver's manual clock here: no latency to report.
    const alerts: FraudAlertInput[] = driver.outputs('fraud-alerts').map((o) => {
      const { txn_id, reasons, ts } = o.value as FraudAlertInput;
      return { txn_id, reasons, ts };
    });
    const measured = evaluateFraudAlerts(alerts, labels, { fromMs, transactions: MEASURED });
    const coldStart = evaluateFraudAlerts(alerts, labels, {
      transactions: HISTORY + MEASURED,
    });
    console.log(
      `fraud quality, ${MEASURED.toLocaleString('en-US')} payments after ` +
        `${HISTORY.toLocaleString('en-US')} of history (seed 42, ${PAYMENTS_PER_SEC}/s event time, ` +
        `${payments.toLocaleString('en-US')} payments scored in ${seconds.toFixed(1)} s):\n` +
        `${formatFraudQuality(measured)}\n\n` +
        `from empty profiles (all ${(HISTORY + MEASURED).toLocaleString('en-US')} payments):\n` +
        formatFraudQuality(coldStart),
    );

    expect(measured.precision).toBeGreaterThanOrEqual(0.9);
    expect(measured.patterns.map((p) => p.pattern)).toEqual([...FRAUD_PATTERNS].sort());
    for (const p of measured.patterns) {
      expect(p.labelled, p.pattern).toBeGreaterThan(100);
      expect(p.recall, `${p.pattern} recall`).toBeGreaterThanOrEqual(0.9);
      expect(p.precision, `${p.pattern} precision`).toBeGreaterThanOrEqual(0.9);
    }
  }, 900_000);
});
