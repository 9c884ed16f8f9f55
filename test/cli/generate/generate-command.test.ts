import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { SluiceError } from '../../../src/core/errors.js';
import {
  DemoDataGenerator,
  type GeneratedMessage,
} from '../../../src/cli/generate/demo-data-generator.js';
import type { DemoSink } from '../../../src/cli/generate/demo-producer.js';
import { generateCommand, type GenerateIo } from '../../../src/cli/generate/generate-command.js';
import { parseGenerateOptions } from '../../../src/cli/generate/generate-options.js';

/** A sink that keeps what it is sent; acks arrive on a later turn of the event loop. */
class RecordingSink implements DemoSink {
  readonly rejectedOversized = 0;
  readonly batches: GeneratedMessage[][] = [];
  ensured: Array<{ topics: readonly string[]; partitions: number }> = [];
  outstanding = 0;
  maxOutstanding = 0;
  closed = false;
  constructor(private readonly onSend?: (batchIndex: number) => void) {}
  async ensureTopics(topics: readonly string[], partitions: number): Promise<void> {
    this.ensured.push({ topics, partitions });
  }
  async send(messages: readonly GeneratedMessage[]): Promise<void> {
    this.batches.push([...messages]);
    this.onSend?.(this.batches.length - 1);
    this.outstanding++;
    this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding);
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.outstanding--;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  get messages(): GeneratedMessage[] {
    return this.batches.flat();
  }
}

function harness(sink: DemoSink, signal?: AbortSignal) {
  const clock = new ManualClock(Date.UTC(2025, 0, 1));
  const out: string[] = [];
  const err: string[] = [];
  const io: Partial<GenerateIo> = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
    clock,
    // Waiting is simulated: the manual clock jumps, no real time passes.
    sleep: async (ms) => clock.advance(ms),
    createSink: () => sink,
    ...(signal ? { signal } : {}),
  };
  return { clock, io, out, err };
}

describe('generateCommand', () => {
  it('prints the help', async () => {
    const h = harness(new RecordingSink());
    expect(await generateCommand(['--help'], h.io)).toBe(0);
    expect(h.out.join('')).toContain('Usage: sluice generate');
  });

  it('exits 2 on bad flags, naming them', async () => {
    const h = harness(new RecordingSink());
    expect(await generateCommand(['--rate', 'lots'], h.io)).toBe(2);
    expect(h.err.join('')).toContain('--rate');
  });

  it('paces a duration run at the rate, with progress lines and a summary', async () => {
    const sink = new RecordingSink();
    const h = harness(sink);
    const code = await generateCommand(
      [
        '--rate',
        '1000',
        '--duration',
        '3s',
        '--seed',
        '5',
        '--partitions',
        '6',
        '--topic-prefix',
        't-',
      ],
      h.io,
    );
    expect(code).toBe(0);
    expect(sink.ensured).toEqual([
      { topics: ['t-user-activity', 't-transactions', 't-fraud-labels'], partitions: 6 },
    ]);
    const events = sink.messages.filter((m) => m.stream !== 'fraud-labels');
    expect(events.length).toBeGreaterThanOrEqual(2_980);
    expect(events.length).toBeLessThanOrEqual(3_001);
    expect(
      sink.batches.every((b) => b.filter((m) => m.stream !== 'fraud-labels').length <= 500),
    ).toBe(true);
    const progress = h.err.join('').trim().split('\n');
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress[0]).toMatch(/^generate: [\d,]+ events · [\d,]+ ev\/s · ETA \d+s$/);
    const summary = h.out.join('');
    expect(summary).toMatch(/produced [\d,]+ events in 3s/);
    expect(summary).toContain('t-user-activity: ');
    expect(summary).toMatch(/t-fraud-labels: [\d,]+ \(card_testing [\d,]+ in [\d,]+ incidents/);
    expect(sink.closed).toBe(true);
  });

  it('sends exactly what the pure generator makes for the same flags', async () => {
    const sink = new RecordingSink();
    const h = harness(sink);
    const args = [
      '--rate',
      '0',
      '--count',
      '2500',
      '--batch-size',
      '1000',
      '--start',
      '1735689600000',
      '--corrupt-rate',
      '0.02',
    ];
    expect(await generateCommand(args, h.io)).toBe(0);
    const expected = [
      ...new DemoDataGenerator(parseGenerateOptions(args, {}).generator).take(2_500),
    ];
    const sent = sink.messages;
    expect(sent.length).toBe(expected.length);
    sent.forEach((m, i) => expect(m.value.equals(expected[i]!.value)).toBe(true));
    expect(sink.batches.map((b) => b.filter((m) => m.stream !== 'fraud-labels').length)).toEqual([
      1_000, 1_000, 500,
    ]);
    expect(h.out.join('')).toMatch(/corrupted: [\d,]+ \(invalid_json \d+, truncated_json \d+/);
  });

  it('keeps at most --max-in-flight batches unacknowledged', async () => {
    const sink = new RecordingSink();
    const h = harness(sink);
    const args = [
      '--rate',
      '0',
      '--count',
      '20000',
      '--batch-size',
      '100',
      '--max-in-flight',
      '3',
      '--quiet',
    ];
    expect(await generateCommand(args, h.io)).toBe(0);
    expect(sink.batches.length).toBe(200);
    expect(sink.maxOutstanding).toBe(3);
    expect(h.err).toEqual([]);
  });

  it('stops cleanly when interrupted and still prints the summary', async () => {
    const stop = new AbortController();
    const sink = new RecordingSink((i) => {
      if (i === 2) stop.abort();
    });
    const h = harness(sink, stop.signal);
    expect(await generateCommand(['--rate', '0', '--count', '0', '--quiet'], h.io)).toBe(0);
    expect(sink.batches.length).toBe(3);
    expect(h.out.join('')).toContain('interrupted');
  });

  it('exits 1 with the error code when Kafka cannot be reached', async () => {
    const failing: DemoSink = {
      rejectedOversized: 0,
      ensureTopics: async () => {
        throw new SluiceError('KAFKA_UNAVAILABLE', 'Kafka at 127.0.0.1:1: connect ECONNREFUSED');
      },
      send: async () => undefined,
      close: async () => undefined,
    };
    const h = harness(failing);
    expect(await generateCommand(['--count', '10'], h.io)).toBe(1);
    expect(h.err.join('')).toContain('[KAFKA_UNAVAILABLE] Kafka at 127.0.0.1:1');
    expect(h.err.join('')).toContain('sluice kafka start');
  });

  it('stops at the first failed send', async () => {
    const sink = new RecordingSink();
    let sends = 0;
    sink.send = async () => {
      sends++;
      throw new SluiceError('KAFKA_UNAVAILABLE', 'broker went away');
    };
    const h = harness(sink);
    expect(await generateCommand(['--rate', '0', '--count', '0', '--quiet'], h.io)).toBe(1);
    expect(sends).toBeLessThanOrEqual(5);
    expect(h.err.join('')).toContain('broker went away');
  });

  it('runs --dry-run without Kafka', async () => {
    const h = harness(new RecordingSink());
    const { createSink: _ignored, ...io } = h.io;
    expect(
      await generateCommand(['--dry-run', '--rate', '0', '--count', '3000', '--quiet'], io),
    ).toBe(0);
    expect(h.out.join('')).toMatch(/generated \(dry run, nothing sent\) 3,000 events/);
  });
});
