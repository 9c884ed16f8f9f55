// What the runtime writes outputs to: a Kafka topic or a table. Sinks buffer; `flush` makes
// everything sent so far durable — the runtime flushes sinks before committing offsets.

import type { RecordHeaders } from './record.js';

export interface OutputRecord {
  readonly topic: string;
  readonly key: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly headers?: RecordHeaders;
  readonly partition?: number;
  readonly timestampMs?: number;
}

export interface RecordSink {
  /** Queue a record; never awaits per record. */
  send(record: OutputRecord): void;
  /** Start sending what is queued without waiting (called after each batch, for latency). */
  drain(): void;
  /** Resolve once every queued record is acknowledged by its destination. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
