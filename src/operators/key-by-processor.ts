// The key-by node: computes each record's new key and writes the record to the job's
// repartition topic (`<job>-<node>-repartition`), so that every key lands on one task of the
// next sub-topology — which reads that topic. It never forwards within its own task.

import { SluiceError } from '../core/errors.js';
import type { Processor, ProcessorContext } from '../core/processor.js';
import {
  EVENT_TIME_HEADER,
  ORIGIN_HEADER,
  type JsonValue,
  type RecordOrigin,
  type StreamRecord,
} from '../core/record.js';
import type { CompiledExpression } from '../expr/expression-compiler.js';
import { recordFailure } from './record-failure.js';

/** Header carrying the record's event time across the repartition topic (see core/record.ts). */
export const REPARTITION_TIMESTAMP_HEADER = EVENT_TIME_HEADER;

export class KeyByProcessor implements Processor {
  /**
   * The last record's origin (the raw record, which holds its fetch response's bytes). Dropped at
   * each commit, so an idle task does not keep a 16 MiB response alive; the records one input
   * produces are processed together, never across a commit.
   */
  private lastOrigin: RecordOrigin | undefined;
  private seq = 0;

  constructor(
    private readonly key: CompiledExpression,
    /** The repartition topic this node writes to. */
    private readonly topic: string,
  ) {}

  process(record: StreamRecord, ctx: ProcessorContext): void {
    let key: string;
    try {
      key = keyString(this.key.evaluate(record.value), this.key.source);
    } catch (err) {
      ctx.deadLetter(record, recordFailure(err, ctx.node));
      return;
    }
    // Number the records one input produces (derive nodes may fan out), so each is its own origin.
    const origin = record.origin;
    this.seq = origin === this.lastOrigin ? this.seq + 1 : 0;
    this.lastOrigin = origin;
    ctx.send({
      topic: this.topic,
      key,
      value: JSON.stringify(record.value),
      headers: {
        ...record.headers,
        [REPARTITION_TIMESTAMP_HEADER]: String(record.timestampMs),
        [ORIGIN_HEADER]: `${origin.partition}:${origin.offset}:${this.seq}:${origin.topic}`,
      },
      timestampMs: record.timestampMs,
    });
  }

  onCommit(): void {
    this.lastOrigin = undefined;
  }
}

/**
 * The Kafka key for a key value: strings as they are, numbers and booleans as JavaScript
 * writes them, arrays (composite keys) as JSON. Null and objects are refused (FIELD_TYPE): a
 * null key cannot be partitioned, an object has no stable text form.
 */
export function keyString(value: JsonValue, source: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return JSON.stringify(value);
  throw new SluiceError(
    'FIELD_TYPE',
    `key \`${source}\` is ${value === null ? 'null' : 'an object'}; a key must be a string, number, boolean or array`,
  );
}
