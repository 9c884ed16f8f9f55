// The golden corpus (test/golden/cases/*): each job runs its input on the TestDriver and must
// write exactly expected.jsonl; then again through a restart at every commit boundary, and
// with uncommitted records redelivered, and must end with the same stores and results.

import { describe, expect, it } from 'vitest';
import type { TestOutput } from '../../src/runtime/test-driver.js';
import {
  byTopic,
  caseNames,
  loadGoldenCase,
  restartDivergence,
  runGoldenCase,
  toGoldenOutput,
  writeExpected,
  type GoldenCase,
  type GoldenOutput,
} from './golden-case.js';

const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

/** The actual output in expected-file form, with only the headers the expected line lists. */
function comparable(actual: TestOutput, expected: GoldenOutput | undefined, c: GoldenCase) {
  const golden = toGoldenOutput(actual, c.topology.deadLetterTopic);
  if (expected?.headers === undefined) return { ...golden, headers: undefined };
  const headers: Record<string, string | undefined> = {};
  for (const name of Object.keys(expected.headers)) headers[name] = actual.headers[name];
  return { ...golden, headers };
}

describe('golden corpus', () => {
  const names = caseNames();

  it('has the cases the corpus promises', () => {
    expect(names.length).toBeGreaterThanOrEqual(12);
  });

  describe.each(names)('%s', (name) => {
    const c = loadGoldenCase(name);

    it('writes exactly expected.jsonl (per topic, in order)', async () => {
      const run = await runGoldenCase(c);
      if (UPDATE) {
        writeExpected(c, run);
        return;
      }
      expect(c.inputs.length).toBeGreaterThan(0);
      expect(c.expected.length).toBeGreaterThan(0);
      const actual = byTopic(run.outputs);
      const expected = byTopic(c.expected);
      expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
      for (const [topic, lines] of Object.entries(expected)) {
        const got = actual[topic] ?? [];
        expect(
          got.map((o, i) => comparable(o, lines[i], c)),
          `outputs on ${topic}`,
        ).toEqual(lines);
      }
    });

    it('ends the same through a restart at every commit boundary', async () => {
      const straight = await runGoldenCase(c);
      const diverged: number[] = [];
      const details: string[] = [];
      for (let k = 0; k <= c.inputs.length; k++) {
        // Nothing is uncommitted at a boundary, so nothing repeats: outputs match exactly.
        const restarted = await runGoldenCase(c, { restartAfter: k });
        const difference = restartDivergence(straight, restarted, { exactOutputs: true });
        if (difference === undefined) continue;
        diverged.push(k);
        details.push(`restart after record ${k}: ${difference}`);
      }
      const known = c.options.knownRestartBug?.atCommitBoundaries ?? [];
      expect(diverged, details.join('\n')).toEqual(known);
    });

    // Under at-least-once, records processed after the last commit are processed again after a
    // restart. Within one sub-topology that only repeats outputs; across a repartition topic the
    // upstream replay writes copies again, which a stateful downstream task skips by their origin
    // header (committed with its state), so counts must not double either.
    it('ends the same when uncommitted records are redelivered after a restart', async () => {
      const commitEvery = c.options.commitEvery ?? 3;
      const straight = await runGoldenCase(c, { commitEvery });
      const diverged: number[] = [];
      const details: string[] = [];
      for (let k = 0; k <= c.inputs.length; k++) {
        const restarted = await runGoldenCase(c, { restartAfter: k, commitEvery });
        const difference = restartDivergence(straight, restarted);
        if (difference === undefined) continue;
        diverged.push(k);
        details.push(`restart after record ${k}: ${difference}`);
      }
      const known = c.options.knownRestartBug?.withRedelivery ?? [];
      expect(diverged, details.join('\n')).toEqual(known);
    });
  });
});
