// A ProcessorContext for unit tests: records what a processor forwards, sends and
// dead-letters, with a manual clock. Not a test file itself.

import type { SluiceError } from '../../src/core/errors.js';
import type { CheckpointValues, ProcessorContext, TaskId } from '../../src/core/processor.js';
import type { JsonObject, StreamRecord } from '../../src/core/record.js';
import type { OutputRecord } from '../../src/core/sink.js';

export class RecordingContext implements ProcessorContext {
  readonly taskId: TaskId = { job: 'test-job', subtopology: 0, partition: 0 };
  readonly forwarded: StreamRecord[] = [];
  readonly sent: OutputRecord[] = [];
  readonly deadLetters: Array<{ record: StreamRecord; error: SluiceError }> = [];
  lateCount = 0;
  clockMs = 0;
  /** What the node put in its checkpoint. */
  readonly checkpointValues = new Map<string, string>();
  readonly checkpoint: CheckpointValues = {
    get: (name) => this.checkpointValues.get(name),
    set: (name, value) => {
      this.checkpointValues.set(name, value);
    },
  };

  constructor(readonly node: string) {}

  forward(record: StreamRecord): void {
    this.forwarded.push(record);
  }
  send(output: OutputRecord): void {
    this.sent.push(output);
  }
  deadLetter(record: StreamRecord, error: SluiceError): void {
    this.deadLetters.push({ record, error });
  }
  getStore<S>(name: string): S {
    throw new Error(`no store ${name} in a RecordingContext`);
  }
  countLate(): void {
    this.lateCount++;
  }
  nowMs(): number {
    return this.clockMs;
  }
}

/** A decoded record as the runtime would hand it to the first node. */
export function streamRecord(
  value: JsonObject,
  options: { key?: string | null; timestampMs?: number; headers?: Record<string, string> } = {},
): StreamRecord {
  const timestampMs = options.timestampMs ?? 1_700_000_000_000;
  const origin = { topic: 'in', partition: 0, offset: '42', timestampMs };
  const key = options.key === undefined ? 'k1' : options.key;
  return {
    key,
    value,
    timestampMs,
    headers: options.headers ?? {},
    origin,
    raw: {
      ...origin,
      key: key === null ? null : Buffer.from(key),
      value: Buffer.from(JSON.stringify(value)),
      headers: options.headers ?? {},
    },
  };
}
