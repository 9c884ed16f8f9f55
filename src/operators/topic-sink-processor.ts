// The to-topic node: writes each record's value as JSON to a Kafka topic (same key, headers
// and event time), then passes the record on, so later nodes can keep working with it.

import type { Processor, ProcessorContext } from '../core/processor.js';
import type { StreamRecord } from '../core/record.js';

export class TopicSinkProcessor implements Processor {
  constructor(private readonly topic: string) {}

  process(record: StreamRecord, ctx: ProcessorContext): void {
    ctx.send({
      topic: this.topic,
      key: record.key,
      value: JSON.stringify(record.value),
      headers: record.headers,
      timestampMs: record.timestampMs,
    });
    ctx.forward(record);
  }
}
