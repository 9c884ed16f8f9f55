// The dead-letter policy: a record that fails to decode, validate or evaluate is written to the
// job's DLQ topic with its original key and bytes, and the reason in headers. Nothing is dropped.

import type { SluiceError } from '../core/errors.js';
import type { RawRecord, RecordHeaders } from '../core/record.js';
import type { OutputRecord } from '../core/sink.js';

/** Header names on dead letters (documented in README.md). */
export const DLQ_HEADERS = {
  code: 'sluice-error-code',
  message: 'sluice-error-message',
  job: 'sluice-job',
  node: 'sluice-node',
  topic: 'sluice-source-topic',
  partition: 'sluice-source-partition',
  offset: 'sluice-source-offset',
  timestamp: 'sluice-source-timestamp',
} as const;

const MAX_MESSAGE_CHARS = 1000;

export function deadLetterRecord(
  dlqTopic: string,
  job: string,
  node: string,
  raw: RawRecord,
  error: SluiceError,
): OutputRecord {
  const headers: RecordHeaders = { ...raw.headers };
  headers[DLQ_HEADERS.code] = error.code;
  headers[DLQ_HEADERS.message] = error.message.slice(0, MAX_MESSAGE_CHARS);
  headers[DLQ_HEADERS.job] = job;
  headers[DLQ_HEADERS.node] = node;
  headers[DLQ_HEADERS.topic] = raw.topic;
  headers[DLQ_HEADERS.partition] = String(raw.partition);
  headers[DLQ_HEADERS.offset] = raw.offset;
  headers[DLQ_HEADERS.timestamp] = String(raw.timestampMs);
  return { topic: dlqTopic, key: raw.key, value: raw.value, headers };
}
