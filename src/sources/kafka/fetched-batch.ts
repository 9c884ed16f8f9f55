// A fetched batch as it crosses from the consumer thread to the main thread: the records' keys,
// values and headers back to back in one transferable buffer, and their positions, timestamps
// and offsets in typed arrays. The main thread's records (FetchedRecord) are small views of it
// that make a key or value Buffer only when asked.

import { isAscii } from 'node:buffer';
import type { FieldProjector, ValueLayout } from '../../codecs/value-projection.js';
import type { PredecodedValues, RawRecord, RecordHeaders } from '../../core/record.js';
import { EMPTY_HEADERS, headerText } from './kafka-headers.js';
import { RECORD_OVERHEAD_BYTES, type RecordList, type SourceBatch } from './kafka-source.js';

/**
 * Keys up to this length are cut from the batch's key text (FetchedFrame.keyText): V8 copies
 * substrings shorter than 13 characters, but makes longer ones views of the whole text, which a
 * key kept in a store's cache would then keep alive.
 */
const MAX_SUBSTRING_KEY = 12;

/** Ints per record in `FetchedBatchMessage.layout`: a start and a length for each part. */
const LAYOUT_INTS = 6;
const KEY_START = 0;
const VALUE_START = 2;
const HEADERS_START = 4;

/** The part of a kafkajs batch the encoder reads (kafkajs' `Batch`). */
export interface KafkaBatchLike {
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark: string;
  readonly messages: ReadonlyArray<{
    readonly key?: Buffer | null;
    readonly value: Buffer | null;
    readonly offset: string;
    readonly timestamp: string;
    readonly headers?: Record<string, unknown>;
  }>;
}

export interface FetchedBatchMessage {
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark: string;
  readonly fetchedOffset: string;
  readonly lastOffset: string;
  readonly count: number;
  /** Estimated heap the records would hold on the main thread (see SourceBatch.bytes). */
  readonly bytes: number;
  /** The records' keys back to back, then their values and headers. */
  readonly data: ArrayBuffer;
  /** Where the keys end in `data` (the keys take `[0, keyBytes)`). */
  readonly keyBytes: number;
  /**
   * LAYOUT_INTS per record: key start and length (-1: no key), value start and length (-1: no
   * value), headers start and length (0: none; else per header a u32 name length, the name, a
   * u32 value length and the value, little-endian, UTF-8).
   */
  readonly layout: Int32Array;
  readonly timestamps: Float64Array;
  /** Offsets as numbers when every one is a safe integer (always, in practice), else strings. */
  readonly offsets: Float64Array | readonly string[];
}

/** Packs a kafkajs batch into one message (on the consumer thread). */
export function encodeFetchedBatch(
  batch: KafkaBatchLike,
  fetchedOffset: string,
  lastOffset: string,
): FetchedBatchMessage {
  const { messages } = batch;
  const count = messages.length;
  const timestamps = new Float64Array(count);
  let offsets: Float64Array | string[] = new Float64Array(count);
  let headerLists: Array<HeaderList | undefined> | undefined;
  let payload = 0;
  let headerBytes = 0;
  for (let i = 0; i < count; i++) {
    const m = messages[i]!;
    payload += (m.key?.length ?? 0) + (m.value?.length ?? 0);
    const headers = headerListOf(m.headers);
    if (headers !== undefined) {
      headerLists ??= new Array<HeaderList | undefined>(count);
      headerLists[i] = headers;
      headerBytes += headers.bytes;
    }
    timestamps[i] = Number(m.timestamp);
    if (offsets instanceof Float64Array) {
      const offset = Number(m.offset);
      if (Number.isSafeInteger(offset)) offsets[i] = offset;
      else offsets = messages.map((r) => r.offset);
    }
  }
  const data = Buffer.allocUnsafeSlow(payload + headerBytes);
  const layout = new Int32Array(count * LAYOUT_INTS);
  let pos = 0;
  // Keys first, together: the main thread decodes them with one call (see FetchedFrame.keyText).
  for (let i = 0; i < count; i++) {
    pos = pack(data, layout, i * LAYOUT_INTS + KEY_START, messages[i]!.key ?? null, pos);
  }
  const keyBytes = pos;
  for (let i = 0; i < count; i++) {
    const base = i * LAYOUT_INTS;
    pos = pack(data, layout, base + VALUE_START, messages[i]!.value, pos);
    const headers = headerLists?.[i];
    layout[base + HEADERS_START] = pos;
    if (headers !== undefined) {
      layout[base + HEADERS_START + 1] = headers.bytes;
      pos = writeHeaders(data, pos, headers);
    }
  }
  return {
    topic: batch.topic,
    partition: batch.partition,
    highWatermark: batch.highWatermark,
    fetchedOffset,
    lastOffset,
    count,
    bytes: payload + count * RECORD_OVERHEAD_BYTES,
    data: data.buffer,
    keyBytes,
    layout,
    timestamps,
    offsets,
  };
}

/**
 * Copies `bytes` to `data` at `pos` and records where in `layout` (start at `slot`, length after
 * it; -1: none). Returns where the next bytes go.
 */
function pack(
  data: Buffer,
  layout: Int32Array,
  slot: number,
  bytes: Buffer | null,
  pos: number,
): number {
  layout[slot] = pos;
  if (bytes === null) {
    layout[slot + 1] = -1;
    return pos;
  }
  // TypedArray#set, not Buffer#copy: a fifth of the packing time went to copy's checks.
  data.set(bytes, pos);
  layout[slot + 1] = bytes.length;
  return pos + bytes.length;
}

/** A message's headers as names and value bytes, and their packed size. */
interface HeaderList {
  readonly entries: Array<[name: string, nameBytes: number, value: Buffer]>;
  bytes: number;
}

/** Undefined when the message has no headers (the usual case: nothing is allocated). */
function headerListOf(headers: Record<string, unknown> | undefined): HeaderList | undefined {
  let list: HeaderList | undefined;
  for (const name in headers) {
    if (!Object.prototype.hasOwnProperty.call(headers, name)) continue;
    const v = headers[name];
    if (v === undefined) continue;
    // kafkajs gives Buffers (arrays of them for a repeated name): their bytes go as they are.
    const value = Buffer.isBuffer(v) ? v : Buffer.from(headerText(v), 'utf8');
    const nameBytes = Buffer.byteLength(name, 'utf8');
    list ??= { entries: [], bytes: 0 };
    list.entries.push([name, nameBytes, value]);
    list.bytes += 4 + nameBytes + 4 + value.length;
  }
  return list;
}

function writeHeaders(data: Buffer, start: number, headers: HeaderList): number {
  let pos = start;
  for (const [name, nameBytes, value] of headers.entries) {
    pos = data.writeUInt32LE(nameBytes, pos);
    pos += data.write(name, pos, 'utf8');
    pos = data.writeUInt32LE(value.length, pos);
    data.set(value, pos);
    pos += value.length;
  }
  return pos;
}

/** The buffers of a message to transfer (not copy) to the other thread. */
export function transferList(message: FetchedBatchMessage): ArrayBuffer[] {
  const list: ArrayBuffer[] = [
    message.data,
    message.layout.buffer as ArrayBuffer,
    message.timestamps.buffer as ArrayBuffer,
  ];
  if (message.offsets instanceof Float64Array) list.push(message.offsets.buffer as ArrayBuffer);
  return list;
}

/** The main thread's side of a message: what its records read on demand. */
class FetchedFrame {
  readonly data: Buffer;
  readonly predecoded: PredecodedValues | undefined;
  /**
   * The batch's keys as one string when they are all ASCII (null when not; undefined until the
   * first key is asked for). Substrings of it cost a tenth of decoding each key's bytes.
   */
  private keysText: string | null | undefined;
  /** Headers parsed so far, by record (only for records that have some). */
  private parsedHeaders: Array<RecordHeaders | undefined> | undefined;

  constructor(
    readonly message: FetchedBatchMessage,
    projector: FieldProjector | undefined,
  ) {
    this.data = Buffer.from(message.data);
    this.predecoded = projector?.project(this.valueLayout());
  }

  private valueLayout(): ValueLayout {
    return {
      data: this.data,
      count: this.message.count,
      valueStart: (i) => this.startOf(i, VALUE_START),
      valueLength: (i) => this.lengthOf(i, VALUE_START),
    };
  }

  /** Where record `index`'s key, value or headers (`startSlot`) start in `data`. */
  private startOf(index: number, startSlot: number): number {
    return this.message.layout[index * LAYOUT_INTS + startSlot]!;
  }

  /** Its length; -1 when the record has none. */
  private lengthOf(index: number, startSlot: number): number {
    return this.message.layout[index * LAYOUT_INTS + startSlot + 1]!;
  }

  bytesAt(index: number, startSlot: number): Buffer | null {
    const length = this.lengthOf(index, startSlot);
    if (length < 0) return null;
    const start = this.startOf(index, startSlot);
    return this.data.subarray(start, start + length);
  }

  keyText(index: number): string | null {
    const length = this.lengthOf(index, KEY_START);
    if (length < 0) return null;
    const start = this.startOf(index, KEY_START);
    if (length <= MAX_SUBSTRING_KEY) {
      if (this.keysText === undefined) {
        const keys = this.data.subarray(0, this.message.keyBytes);
        this.keysText = isAscii(keys) ? keys.toString('latin1') : null;
      }
      // A short substring is a copy; longer ones would be views keeping the whole text alive.
      if (this.keysText !== null) return this.keysText.substring(start, start + length);
    }
    return this.data.toString('utf8', start, start + length);
  }

  offset(index: number): string {
    const { offsets } = this.message;
    return offsets instanceof Float64Array ? String(offsets[index]!) : offsets[index]!;
  }

  headers(index: number): RecordHeaders {
    const length = this.lengthOf(index, HEADERS_START);
    if (length === 0) return EMPTY_HEADERS;
    this.parsedHeaders ??= new Array<RecordHeaders | undefined>(this.message.count);
    let headers = this.parsedHeaders[index];
    if (headers === undefined) {
      const { data } = this;
      let pos = this.startOf(index, HEADERS_START);
      const end = pos + length;
      headers = Object.create(null) as RecordHeaders;
      while (pos < end) {
        const nameEnd = pos + 4 + data.readUInt32LE(pos);
        const name = data.toString('utf8', pos + 4, nameEnd);
        const valueEnd = nameEnd + 4 + data.readUInt32LE(nameEnd);
        headers[name] = data.toString('utf8', nameEnd + 4, valueEnd);
        pos = valueEnd;
      }
      this.parsedHeaders[index] = headers;
    }
    return headers;
  }
}

/**
 * A record of a fetched batch: two fields of its own, the rest read from the frame when asked.
 * Holding no Buffers or strings of its own, a queued record costs the collector next to nothing.
 */
class FetchedRecord implements RawRecord {
  constructor(
    private readonly frame: FetchedFrame,
    readonly predecodedIndex: number,
  ) {}

  get topic(): string {
    return this.frame.message.topic;
  }

  get partition(): number {
    return this.frame.message.partition;
  }

  get offset(): string {
    return this.frame.offset(this.predecodedIndex);
  }

  get timestampMs(): number {
    return this.frame.message.timestamps[this.predecodedIndex]!;
  }

  get key(): Buffer | null {
    return this.frame.bytesAt(this.predecodedIndex, KEY_START);
  }

  get keyText(): string | null {
    return this.frame.keyText(this.predecodedIndex);
  }

  get value(): Buffer | null {
    return this.frame.bytesAt(this.predecodedIndex, VALUE_START);
  }

  get headers(): RecordHeaders {
    return this.frame.headers(this.predecodedIndex);
  }

  get predecoded(): PredecodedValues | undefined {
    return this.frame.predecoded;
  }
}

/** A fetched batch's records, made when a chunk of them is taken (see RecordList). */
class FetchedRecords implements RecordList {
  readonly length: number;
  private readonly timestamps: Float64Array;

  constructor(private readonly frame: FetchedFrame) {
    this.length = frame.message.count;
    this.timestamps = frame.message.timestamps;
  }

  timestampAt(index: number): number {
    return this.timestamps[index]!;
  }

  slice(from: number, to: number): RawRecord[] {
    const end = Math.min(to, this.length);
    const records = new Array<RawRecord>(Math.max(0, end - from));
    for (let i = from; i < end; i++) records[i - from] = new FetchedRecord(this.frame, i);
    return records;
  }
}

/**
 * The batch the runner queues, from a message. `projector`: decode the fields the job reads from
 * every value now, so that the queued records hold compact values (see PredecodedValues).
 */
export function sourceBatchOf(
  message: FetchedBatchMessage,
  projector: FieldProjector | undefined,
): SourceBatch {
  const frame = new FetchedFrame(message, projector);
  return {
    topic: message.topic,
    partition: message.partition,
    records: new FetchedRecords(frame),
    highWatermark: message.highWatermark,
    fetchedOffset: message.fetchedOffset,
    lastOffset: message.lastOffset,
    bytes: message.bytes,
  };
}
