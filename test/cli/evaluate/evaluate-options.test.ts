// Flags of `sluice evaluate`: defaults, every flag, and every problem reported at once.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EVALUATE_EVENTS,
  DEFAULT_EVALUATE_FILE,
  EVALUATE_HELP,
  parseEvaluateOptions,
} from '../../../src/cli/evaluate/evaluate-options.js';

describe('parseEvaluateOptions', () => {
  it('defaults to 300k events, seed 42, 10% held out, half the payments warm-up, 2000/s', () => {
    expect(parseEvaluateOptions([])).toEqual({
      help: false,
      events: DEFAULT_EVALUATE_EVENTS,
      seed: 42,
      holdoutShare: 0.1,
      fraudRate: 0.01,
      fraudWarmupShare: 0.5,
      transactionRatePerSec: 2000,
      brokers: undefined,
      recsJob: 'jobs/recommendations.yaml',
      fraudJob: 'jobs/fraud-signals.yaml',
      outFile: DEFAULT_EVALUATE_FILE,
      keep: false,
    });
  });

  it('reads every flag', () => {
    const o = parseEvaluateOptions([
      '--events',
      '50_000',
      '--seed=-7',
      '--holdout',
      '0.2',
      '--fraud-rate',
      '0.02',
      '--fraud-warmup',
      '0',
      '--transaction-rate',
      '500',
      '--brokers',
      'a:1, b:2',
      '--out',
      'x/y.json',
      '--recs-job',
      'r.yaml',
      '--fraud-job',
      'f.yaml',
      '--keep',
    ]);
    expect(o).toEqual({
      help: false,
      events: 50_000,
      seed: -7,
      holdoutShare: 0.2,
      fraudRate: 0.02,
      fraudWarmupShare: 0,
      transactionRatePerSec: 500,
      brokers: ['a:1', 'b:2'],
      recsJob: 'r.yaml',
      fraudJob: 'f.yaml',
      outFile: 'x/y.json',
      keep: true,
    });
  });

  it('reports every bad flag at once', () => {
    let message = '';
    try {
      parseEvaluateOptions([
        '--events',
        '10',
        '--holdout',
        '1',
        '--fraud-rate',
        'x',
        '--fraud-warmup',
        '1',
        '--transaction-rate',
        '0',
        '--brokers',
        'nohost',
      ]);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('--events 10');
    expect(message).toContain('--holdout 1');
    expect(message).toContain('--fraud-rate x');
    expect(message).toContain('--fraud-warmup 1');
    expect(message).toContain('--transaction-rate 0');
    expect(message).toContain('"nohost" is not host:port');
  });

  it('rejects unknown flags; --help wins over bad values', () => {
    expect(() => parseEvaluateOptions(['--nope'])).toThrow(/nope/);
    expect(parseEvaluateOptions(['--help', '--events', '1']).help).toBe(true);
    expect(EVALUATE_HELP).toContain('--transaction-rate');
  });
});
