// Parsing of kafka-consumer-perf-test's summary, as Kafka 4.3.1 prints it.
import { describe, expect, it } from 'vitest';
import { parseConsumerPerfOutput } from '../../../src/cli/bench/consumer-perf-baseline.js';

const HEADER =
  'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, ' +
  'rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';
const VALUES =
  '2026-11-24 00:12:59:555, 2026-11-24 00:13:00:276, 21.5311, 29.8628, 100000, 138696.2552, ' +
  '401, 320, 67.2847, 312500.0000';

describe('parseConsumerPerfOutput', () => {
  it('reads the fetch figures (group join excluded) and the whole-run rate by column name', () => {
    expect(parseConsumerPerfOutput(`${HEADER}\n${VALUES}\n`)).toEqual({
      records: 100_000,
      elapsedMs: 320,
      eventsPerSec: 312_500,
      mbPerSec: 67.2847,
      rebalanceMs: 401,
      totalEventsPerSec: 138_696.2552,
    });
  });

  it('skips log lines around the summary', () => {
    const output = `WARN something about the group\n${HEADER}\n${VALUES}\nbye\n`;
    expect(parseConsumerPerfOutput(output).records).toBe(100_000);
  });

  it('rejects output without a summary, quoting it', () => {
    expect(() => parseConsumerPerfOutput('Exception in thread "main"\n')).toThrow(
      /no ConsumerPerformance summary[\s\S]*Exception in thread/,
    );
  });

  it('rejects a summary that lacks a column it needs', () => {
    const header = HEADER.replace('fetch.nMsg.sec', 'other');
    expect(() => parseConsumerPerfOutput(`${header}\n${VALUES}\n`)).toThrow(/fetch\.nMsg\.sec/);
  });
});
