import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BENCH_EVENTS,
  DEFAULT_BENCH_TOPIC,
  DEFAULT_RATIO_PAIRS,
  DEFAULT_RESULTS_FILE,
  parseBenchOptions,
} from '../../../src/cli/bench/bench-options.js';

describe('parseBenchOptions', () => {
  it('defaults to 2M events, every step and emit final', () => {
    expect(parseBenchOptions([])).toEqual({
      help: false,
      events: DEFAULT_BENCH_EVENTS,
      topic: DEFAULT_BENCH_TOPIC,
      skipPreload: false,
      kafkaStreams: true,
      latencySeconds: 20,
      latencyRate: undefined,
      emit: 'final',
      keep: false,
      brokers: undefined,
      only: undefined,
      outFile: DEFAULT_RESULTS_FILE,
      pairs: DEFAULT_RATIO_PAIRS,
    });
  });

  it('reads every flag', () => {
    const o = parseBenchOptions(
      [
        '--events',
        '500_000',
        '--skip-preload',
        '--topic',
        'my-input',
        '--no-kafka-streams',
        '--latency-seconds',
        '0',
        '--latency-rate',
        '1000',
        '--emit',
        'update',
        '--keep',
        '--brokers',
        '127.0.0.1:9392',
        '--only',
        'client-ceiling,sluice-job',
        '--out',
        '/tmp/x.json',
        '--pairs',
        '5',
      ],
      ['client-ceiling', 'sluice-job'],
    );
    expect(o).toMatchObject({
      events: 500_000,
      skipPreload: true,
      topic: 'my-input',
      kafkaStreams: false,
      latencySeconds: 0,
      latencyRate: 1000,
      emit: 'update',
      keep: true,
      brokers: ['127.0.0.1:9392'],
      only: ['client-ceiling', 'sluice-job'],
      outFile: '/tmp/x.json',
      pairs: 5,
    });
  });

  it('reports every bad flag at once', () => {
    expect(() =>
      parseBenchOptions(['--events', '0', '--emit', 'sometimes', '--brokers', 'nohost']),
    ).toThrow(/--events 0.*\n.*--emit sometimes.*\n.*nohost/s);
    expect(() => parseBenchOptions(['--only', 'warp-drive'], ['sluice-job'])).toThrow(
      /unknown step "warp-drive"/,
    );
    expect(() => parseBenchOptions(['--frobnicate'])).toThrow(/frobnicate/);
    expect(() => parseBenchOptions(['--pairs', '0'])).toThrow(/--pairs 0/);
  });
});
