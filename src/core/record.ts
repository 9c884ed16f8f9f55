// The record every stage speaks: decoded from a Kafka message by a codec, passed through
// operators and windows, written by sinks. Imports nothing of ours.

/** A JSON object as decoded from a message value: plain data, no prototype tricks. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Header values are kept as strings (UTF-8) — enough for ours and for users' tracing ids. */
export type RecordHeaders = Record<string, string>;

/** Where a record came from: kept on every derived record so a dead letter can name it. */
export interface RecordOrigin {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offset as a decimal string (kafkajs keeps offsets as strings: they exceed 2^53). */
  readonly offset: string;
  /** Broker/producer timestamp of the source message, epoch ms. */
  readonly timestampMs: number;
}

/** A raw Kafka message as fetched, before decoding. */
export interface RawRecord extends RecordOrigin {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: RecordHeaders;
  /**
   * The key as text, when the source has it without making a Buffer of the key (records from
   * the consumer thread). Undefined: decode `key`. See rawKeyText.
   */
  readonly keyText?: string | null;
  /**
   * The values decoded ahead of processing (on the consumer thread) for the batch this record
   * belongs to, possibly only the top-level fields the job reads (`SubTopology.sourceFields`).
   * Undefined: decode when processed. See predecodedValue.
   */
  readonly predecoded?: PredecodedValues | undefined;
  /** This record's index in `predecoded`. */
  readonly predecodedIndex?: number;
}

/**
 * Values decoded ahead for a batch of records, kept compact (typed arrays) while the records wait
 * in the queue: building the objects only when a record is processed lets them die young
 * instead of surviving garbage collections with the queued records.
 */
export interface PredecodedValues {
  /** The value of the batch's record `index`; undefined: decode it the usual way (also failures). */
  valueAt(index: number): JsonObject | undefined;
}

/** A raw record's value decoded ahead, if it was; undefined: decode it when processed. */
export function predecodedValue(raw: RawRecord): JsonObject | undefined {
  return raw.predecoded?.valueAt(raw.predecodedIndex ?? 0);
}

/** A raw record's key as text (UTF-8), null if it has none. */
export function rawKeyText(raw: RawRecord): string | null {
  const text = raw.keyText;
  if (text !== undefined) return text;
  return raw.key === null ? null : raw.key.toString('utf8');
}

/** A decoded record flowing through a topology. */
export interface StreamRecord<V = JsonObject> {
  key: string | null;
  value: V;
  /** Event time, epoch ms: from the job's timestamp field, else the message timestamp. */
  timestampMs: number;
  headers: RecordHeaders;
  readonly origin: RecordOrigin;
  /** The original bytes, kept so a dead letter carries exactly what arrived. */
  readonly raw: RawRecord;
}

/** Header carrying a record's event time (epoch ms, decimal) across a repartition topic. */
export const EVENT_TIME_HEADER = 'sluice-ts';

/**
 * Header naming the input record a repartitioned record came from: `<partition>:<offset>:<seq>:<topic>`
 * (`seq` numbers the records one input produced). A downstream task skips what it has already
 * applied, so an upstream replay after a crash does not count twice.
 */
export const ORIGIN_HEADER = 'sluice-origin';
