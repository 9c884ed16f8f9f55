// Output records packed into one byte buffer, so a batch crosses to the producer thread as a
// single transferable ArrayBuffer instead of thousands of cloned objects.
//
// Per record (little-endian): u8 flags, u16 topic index, [i32 partition], [f64 timestamp],
// [u32 length + key bytes], [u32 length + value bytes], [u16 count, (u32 + bytes) × 2 per header].
// Strings are written as UTF-8; a Buffer key or value keeps its bytes.

import type { OutputRecord } from '../../core/sink.js';

const HAS_KEY = 1;
const HAS_VALUE = 2;
const HAS_PARTITION = 4;
const HAS_TIMESTAMP = 8;
const HAS_HEADERS = 16;

/** A record as the producer thread hands it to kafkajs: bytes are views into the frame. */
export interface FramedMessage {
  readonly topicIndex: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly partition?: number;
  readonly timestampMs?: number;
  readonly headers?: Record<string, Buffer>;
}

export class RecordFrameWriter {
  private buf: Buffer;
  private pos = 0;
  private records = 0;
  private readonly topics: string[] = [];
  private readonly topicIndex = new Map<string, number>();

  constructor(initialBytes = 256 * 1024) {
    this.buf = Buffer.allocUnsafeSlow(initialBytes);
  }

  get count(): number {
    return this.records;
  }

  get byteLength(): number {
    return this.pos;
  }

  write(record: OutputRecord): void {
    let topic = this.topicIndex.get(record.topic);
    if (topic === undefined) {
      topic = this.topics.length;
      this.topics.push(record.topic);
      this.topicIndex.set(record.topic, topic);
    }
    const headers = record.headers;
    let headerCount = 0;
    if (headers) for (const _ in headers) headerCount++;
    let flags = 0;
    if (record.key !== null) flags |= HAS_KEY;
    if (record.value !== null) flags |= HAS_VALUE;
    if (record.partition !== undefined) flags |= HAS_PARTITION;
    if (record.timestampMs !== undefined) flags |= HAS_TIMESTAMP;
    if (headerCount > 0) flags |= HAS_HEADERS;
    this.ensure(15);
    this.buf[this.pos] = flags;
    this.buf.writeUInt16LE(topic, this.pos + 1);
    this.pos += 3;
    if (record.partition !== undefined) {
      this.buf.writeInt32LE(record.partition, this.pos);
      this.pos += 4;
    }
    if (record.timestampMs !== undefined) {
      this.buf.writeDoubleLE(record.timestampMs, this.pos);
      this.pos += 8;
    }
    if (record.key !== null) this.writeBytes(record.key);
    if (record.value !== null) this.writeBytes(record.value);
    if (headers && headerCount > 0) {
      this.ensure(2);
      this.buf.writeUInt16LE(headerCount, this.pos);
      this.pos += 2;
      for (const k in headers) {
        this.writeBytes(k);
        this.writeBytes(headers[k]!);
      }
    }
    this.records++;
  }

  /** The records written so far as one exact-size ArrayBuffer (to transfer), and resets. */
  take(): { buffer: ArrayBuffer; topics: string[]; count: number } {
    const buffer = new ArrayBuffer(this.pos);
    new Uint8Array(buffer).set(this.buf.subarray(0, this.pos));
    const out = { buffer, topics: [...this.topics], count: this.records };
    this.pos = 0;
    this.records = 0;
    this.topics.length = 0;
    this.topicIndex.clear();
    return out;
  }

  private writeBytes(v: string | Buffer): void {
    if (typeof v === 'string') {
      // At most 3 UTF-8 bytes per UTF-16 unit: write, then fill in the length.
      this.ensure(4 + v.length * 3);
      const n = this.buf.write(v, this.pos + 4, 'utf8');
      this.buf.writeUInt32LE(n, this.pos);
      this.pos += 4 + n;
    } else {
      this.ensure(4 + v.length);
      this.buf.writeUInt32LE(v.length, this.pos);
      v.copy(this.buf, this.pos + 4);
      this.pos += 4 + v.length;
    }
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}

/** The records of a frame, in order; keys, values and headers are views into `buffer`. */
export function readRecordFrame(buffer: ArrayBuffer): FramedMessage[] {
  const buf = Buffer.from(buffer);
  const out: FramedMessage[] = [];
  let pos = 0;
  const bytes = (): Buffer => {
    const n = buf.readUInt32LE(pos);
    const view = buf.subarray(pos + 4, pos + 4 + n);
    pos += 4 + n;
    return view;
  };
  while (pos < buf.length) {
    const flags = buf[pos]!;
    const topicIndex = buf.readUInt16LE(pos + 1);
    pos += 3;
    let partition: number | undefined;
    let timestampMs: number | undefined;
    if (flags & HAS_PARTITION) {
      partition = buf.readInt32LE(pos);
      pos += 4;
    }
    if (flags & HAS_TIMESTAMP) {
      timestampMs = buf.readDoubleLE(pos);
      pos += 8;
    }
    const key = flags & HAS_KEY ? bytes() : null;
    const value = flags & HAS_VALUE ? bytes() : null;
    let headers: Record<string, Buffer> | undefined;
    if (flags & HAS_HEADERS) {
      const count = buf.readUInt16LE(pos);
      pos += 2;
      headers = {};
      for (let i = 0; i < count; i++) {
        const k = bytes().toString('utf8');
        headers[k] = bytes();
      }
    }
    out.push({
      topicIndex,
      key,
      value,
      ...(partition === undefined ? {} : { partition }),
      ...(timestampMs === undefined ? {} : { timestampMs }),
      ...(headers ? { headers } : {}),
    });
  }
  return out;
}
