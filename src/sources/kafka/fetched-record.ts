// A fetched message as the runner keeps it: where its key and value bytes lie in the fetch
// response, not Buffer views of them. Records wait in the runner's queue (up to 32 MiB), and two
// view objects per record surviving there were a large share of the main thread's GC work.

import type { JsonObject, RawRecord, RecordHeaders } from '../../core/record.js';

/** A RawRecord whose `key` and `value` are Buffer views made on each read (callers read once). */
export class FetchedRecord implements RawRecord {
  predecoded: JsonObject | undefined = undefined;
  private readonly keyBytes: ArrayBufferLike | undefined;
  private readonly keyStart: number;
  /** -1: no key. */
  private readonly keyLength: number;
  private readonly valueBytes: ArrayBufferLike | undefined;
  private readonly valueStart: number;
  /** -1: no value (a tombstone). */
  private readonly valueLength: number;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: string,
    readonly timestampMs: number,
    key: Buffer | null,
    value: Buffer | null,
    readonly headers: RecordHeaders,
  ) {
    this.keyBytes = key?.buffer;
    this.keyStart = key?.byteOffset ?? 0;
    this.keyLength = key === null ? -1 : key.length;
    this.valueBytes = value?.buffer;
    this.valueStart = value?.byteOffset ?? 0;
    this.valueLength = value === null ? -1 : value.length;
  }

  get key(): Buffer | null {
    return this.keyLength < 0 ? null : Buffer.from(this.keyBytes!, this.keyStart, this.keyLength);
  }

  get value(): Buffer | null {
    return this.valueLength < 0
      ? null
      : Buffer.from(this.valueBytes!, this.valueStart, this.valueLength);
  }

  /** Bytes of key and value. */
  get size(): number {
    return Math.max(0, this.keyLength) + Math.max(0, this.valueLength);
  }
}
