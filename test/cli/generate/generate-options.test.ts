import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../../src/core/errors.js';
import {
  GENERATE_HELP,
  parseDurationMs,
  parseGenerateOptions,
} from '../../../src/cli/generate/generate-options.js';

const NOW = Date.UTC(2025, 5, 1);

describe('parseGenerateOptions', () => {
  it('has defaults for everything', () => {
    const o = parseGenerateOptions([], {}, NOW);
    expect(o).toMatchObject({
      help: false,
      ratePerSec: 1_000,
      count: 100_000,
      durationMs: undefined,
      brokers: ['127.0.0.1:9092'],
      partitions: 4,
      acks: -1,
      dryRun: false,
    });
    expect(o.generator).toMatchObject({
      seed: 42,
      startMs: NOW,
      streams: ['activity', 'transactions'],
      fraudRate: 0.01,
      corruptRate: 0,
      eventRatePerSec: 1_000,
      topicNames: {
        activity: 'user-activity',
        transactions: 'transactions',
        fraudLabels: 'fraud-labels',
      },
    });
  });

  it('reads every flag', () => {
    const o = parseGenerateOptions(
      [
        '--topics',
        'transactions',
        '--rate',
        '0',
        '--count',
        '5000',
        '--users',
        '10',
        '--items',
        '20',
        '--accounts',
        '30',
        '--seed',
        '7',
        '--fraud-rate',
        '0.05',
        '--corrupt-rate',
        '0.01',
        '--brokers',
        'a:1,b:2',
        '--partitions',
        '8',
        '--start',
        '2025-01-01T00:00:00Z',
        '--jitter',
        '1s',
        '--late-max',
        '10s',
        '--topic-prefix',
        'x-',
        '--acks',
        '1',
        '--dry-run',
        '--batch-size',
        '1000',
        '--max-in-flight',
        '2',
        '--quiet',
      ],
      {},
      NOW,
    );
    expect(o).toMatchObject({
      ratePerSec: 0,
      count: 5_000,
      brokers: ['a:1', 'b:2'],
      partitions: 8,
      acks: 1,
      dryRun: true,
      quiet: true,
      batchSize: 1_000,
      maxInFlight: 2,
    });
    expect(o.generator).toMatchObject({
      streams: ['transactions'],
      users: 10,
      items: 20,
      accounts: 30,
      seed: 7,
      fraudRate: 0.05,
      corruptRate: 0.01,
      startMs: Date.UTC(2025, 0, 1),
      eventRatePerSec: 1_000, // --rate 0: event time still advances at a nominal rate
      jitter: { jitterMs: 1_000, lateMaxMs: 10_000 },
      topicNames: { transactions: 'x-transactions', fraudLabels: 'x-fraud-labels' },
    });
  });

  it('runs for a duration without a default count, and --count 0 means no limit', () => {
    expect(parseGenerateOptions(['--duration', '30s'], {}, NOW)).toMatchObject({
      durationMs: 30_000,
      count: undefined,
    });
    expect(parseGenerateOptions(['--count', '0'], {}, NOW).count).toBeUndefined();
  });

  it('takes brokers from KAFKA_BROKERS unless --brokers is given', () => {
    expect(parseGenerateOptions([], { KAFKA_BROKERS: 'k1:9092, k2:9092' }, NOW).brokers).toEqual([
      'k1:9092',
      'k2:9092',
    ]);
    expect(
      parseGenerateOptions(['--brokers', 'x:1'], { KAFKA_BROKERS: 'k1:9092' }, NOW).brokers,
    ).toEqual(['x:1']);
  });

  it('reports every bad flag at once', () => {
    let error: unknown;
    try {
      parseGenerateOptions(
        ['--rate', 'fast', '--users=0', '--duration', '30', '--topics', 'clicks'],
        {},
        NOW,
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SluiceError);
    expect((error as SluiceError).code).toBe('CONFIG_INVALID');
    const message = (error as SluiceError).message;
    expect(message).toContain('--rate');
    expect(message).toContain('--users');
    expect(message).toContain('--duration');
    expect(message).toContain('unknown topic "clicks"');
  });

  it('rejects unknown flags', () => {
    expect(() => parseGenerateOptions(['--sped', '3'], {}, NOW)).toThrow(SluiceError);
  });

  it('documents every flag in --help', () => {
    for (const flag of [
      '--topics',
      '--rate',
      '--count',
      '--duration',
      '--users',
      '--items',
      '--accounts',
      '--seed',
      '--fraud-rate',
      '--corrupt-rate',
      '--brokers',
      '--partitions',
      '--start',
      '--dry-run',
    ]) {
      expect(GENERATE_HELP).toContain(flag);
    }
  });
});

describe('parseDurationMs', () => {
  it('reads ms, s, m and h and refuses unitless numbers other than 0', () => {
    expect(parseDurationMs('250ms')).toBe(250);
    expect(parseDurationMs('1.5s')).toBe(1_500);
    expect(parseDurationMs('5m')).toBe(300_000);
    expect(parseDurationMs('2h')).toBe(7_200_000);
    expect(parseDurationMs('0')).toBe(0);
    expect(parseDurationMs('30')).toBeUndefined();
    expect(parseDurationMs('soon')).toBeUndefined();
  });
});
