// Installed into kafkajs by bin/patch-kafkajs.js: encodes an uncompressed produce batch (Kafka
// RecordBatch v2) in one pass into one Buffer. kafkajs 2.2.4 builds an Encoder per record and a
// Buffer per varint, with 64-bit Long arithmetic for every timestamp delta; on the producer thread
// that was most of the CPU. The bytes are the same as kafkajs' own encoder's (unit-tested).
'use strict';

const MAGIC_BYTE = 2;
const TRANSACTIONAL_MASK = 16;
/** Header before the records: partitionLeaderEpoch … recordCount, after offset and length. */
const BATCH_HEADER_BYTES = 4 + 1 + 4 + 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4;
/** Deltas beyond this many ms go to kafkajs' own encoder (zig-zag must stay exact in a double). */
const MAX_SAFE_DELTA = 2 ** 51;

const CRC_TABLES = buildCrcTables();

/**
 * The encoded RecordBatch for kafkajs' produce request: int64 first offset (0), int32 length,
 * then the batch; or null when a message has a shape this encoder does not handle (the caller
 * then uses kafkajs' encoder). Timestamps are compared as numbers (kafkajs sorts them as strings,
 * which agrees for timestamps of the same number of digits).
 *
 * @param {{ messages: Array<{ key?: unknown, value?: unknown, timestamp?: unknown, headers?: Record<string, unknown> }>,
 *   transactional: boolean, producerId: { getHighBits(): number, getLowBits(): number },
 *   producerEpoch: number, firstSequence: number }} batch
 * @returns {Buffer | null}
 */
function encodeRecordBatch({ messages, transactional, producerId, producerEpoch, firstSequence }) {
  const count = messages.length;
  if (count === 0) return null;
  const dateNow = Date.now();
  let firstTimestamp = Number.POSITIVE_INFINITY;
  let maxTimestamp = Number.NEGATIVE_INFINITY;
  const timestamps = new Array(count);
  for (let i = 0; i < count; i++) {
    const raw = messages[i].timestamp;
    let ts = dateNow;
    if (raw != null) {
      // Only canonical integers: kafkajs parses strings with Long.fromString, and treats a falsy
      // timestamp ('' or 0) as both "now" and a batch timestamp; those go to its own encoder.
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
      if (!raw || !Number.isSafeInteger(n) || (typeof raw === 'string' && String(n) !== raw)) {
        return null;
      }
      if (n < firstTimestamp) firstTimestamp = n;
      if (n > maxTimestamp) maxTimestamp = n;
      ts = n;
    }
    timestamps[i] = ts;
  }
  if (firstTimestamp === Number.POSITIVE_INFINITY) firstTimestamp = maxTimestamp = dateNow;

  // Pass 1: sizes (strings measured once, kept for pass 2).
  const keyLens = new Int32Array(count);
  const valueLens = new Int32Array(count);
  const bodySizes = new Int32Array(count);
  const headerLists = new Array(count);
  let recordsBytes = 0;
  for (let i = 0; i < count; i++) {
    const m = messages[i];
    const delta = timestamps[i] - firstTimestamp;
    if (delta > MAX_SAFE_DELTA || delta < -MAX_SAFE_DELTA) return null;
    const keyLen = byteLengthOf(m.key);
    const valueLen = byteLengthOf(m.value);
    if (keyLen === -2 || valueLen === -2) return null;
    const headers = headerListOf(m.headers);
    if (headers === null) return null;
    let body = 1 + sizeOfVarLong(delta) + sizeOfVarInt(i);
    body += keyLen < 0 ? 1 : sizeOfVarInt(keyLen) + keyLen;
    body += valueLen < 0 ? 1 : sizeOfVarInt(valueLen) + valueLen;
    body += sizeOfVarInt(headers.length / 3);
    for (let h = 0; h < headers.length; h += 3) {
      const keyBytes = headers[h + 1];
      const valueBytes = headers[h + 2];
      body += sizeOfVarInt(keyBytes) + keyBytes + sizeOfVarInt(valueBytes) + valueBytes;
    }
    keyLens[i] = keyLen;
    valueLens[i] = valueLen;
    bodySizes[i] = body;
    headerLists[i] = headers;
    recordsBytes += sizeOfVarInt(body) + body;
  }

  const batchLength = BATCH_HEADER_BYTES + recordsBytes;
  const buf = Buffer.allocUnsafe(8 + 4 + batchLength);
  buf.writeInt32BE(0, 0); // first offset, int64 0
  buf.writeInt32BE(0, 4);
  buf.writeInt32BE(batchLength, 8);
  buf.writeInt32BE(0, 12); // partition leader epoch
  buf[16] = MAGIC_BYTE;
  // 17..20: CRC, filled in last
  const crcStart = 21;
  let pos = crcStart;
  buf.writeInt16BE(transactional ? TRANSACTIONAL_MASK : 0, pos);
  buf.writeInt32BE(count - 1, pos + 2); // last offset delta
  writeInt64(buf, firstTimestamp, pos + 6);
  writeInt64(buf, maxTimestamp, pos + 14);
  buf.writeInt32BE(producerId.getHighBits(), pos + 22);
  buf.writeInt32BE(producerId.getLowBits(), pos + 26);
  buf.writeInt16BE(producerEpoch, pos + 30);
  buf.writeInt32BE(firstSequence, pos + 32);
  buf.writeInt32BE(count, pos + 36);
  pos += 40;

  // Pass 2: the records.
  for (let i = 0; i < count; i++) {
    const m = messages[i];
    pos = writeVarInt(buf, pos, bodySizes[i]);
    buf[pos++] = 0; // record attributes
    pos = writeVarLong(buf, pos, timestamps[i] - firstTimestamp);
    pos = writeVarInt(buf, pos, i);
    pos = writeBytes(buf, pos, m.key, keyLens[i]);
    pos = writeBytes(buf, pos, m.value, valueLens[i]);
    const headers = headerLists[i];
    pos = writeVarInt(buf, pos, headers.length / 3);
    for (let h = 0; h < headers.length; h += 3) {
      const header = headers[h];
      pos = writeBytes(buf, pos, header.key, headers[h + 1]);
      pos = writeBytes(buf, pos, header.value, headers[h + 2]);
    }
  }
  if (pos !== buf.length)
    throw new Error(`sluice record batch: wrote ${pos} of ${buf.length} bytes`);
  buf.writeUInt32BE(crc32c(buf, crcStart, pos), 17);
  return buf;
}

/** UTF-8 length of a key or value; -1 for null (absent), -2 for a type left to kafkajs. */
function byteLengthOf(v) {
  if (v == null) return -1;
  if (Buffer.isBuffer(v)) return v.length;
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  return -2;
}

/**
 * Headers flattened as [header, keyBytes, valueBytes, …] in kafkajs' order (array values expand),
 * or null for a value kafkajs would encode differently (null, numbers, objects).
 */
function headerListOf(headers) {
  const out = [];
  if (headers === undefined) return out;
  if (headers === null || typeof headers !== 'object') return null;
  for (const key of Object.keys(headers)) {
    const v = headers[key];
    const values = Array.isArray(v) ? v : [v];
    const keyBytes = Buffer.byteLength(key, 'utf8');
    for (const value of values) {
      const valueBytes = byteLengthOf(value);
      if (valueBytes < 0) return null;
      out.push({ key, value }, keyBytes, valueBytes);
    }
  }
  return out;
}

function writeBytes(buf, pos, v, length) {
  if (length < 0) {
    buf[pos] = 1; // zig-zag varint of -1
    return pos + 1;
  }
  pos = writeVarInt(buf, pos, length);
  if (typeof v === 'string') buf.write(v, pos, length, 'utf8');
  else v.copy(buf, pos);
  return pos + length;
}

function sizeOfVarInt(value) {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  let bytes = 1;
  while (v >= 0x80) {
    bytes++;
    v >>>= 7;
  }
  return bytes;
}

function writeVarInt(buf, pos, value) {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

/** Zig-zag of a safe integer as a non-negative double (exact below 2^52). */
function zigZag64(value) {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

function sizeOfVarLong(value) {
  let v = zigZag64(value);
  let bytes = 1;
  while (v >= 0x80) {
    bytes++;
    v = Math.floor(v / 128);
  }
  return bytes;
}

function writeVarLong(buf, pos, value) {
  let v = zigZag64(value);
  while (v >= 0x80) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

/** A safe integer as big-endian int64 (two's complement for negatives). */
function writeInt64(buf, value, pos) {
  const high = Math.floor(value / 0x100000000);
  buf.writeInt32BE(high | 0, pos);
  buf.writeUInt32BE(value - high * 0x100000000, pos + 4);
}

/** CRC-32C (Castagnoli) of buf[start, end), slicing by 8. */
function crc32c(buf, start, end) {
  const t = CRC_TABLES;
  let crc = -1;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const a = crc ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24));
    crc =
      t[7 * 256 + (a & 0xff)] ^
      t[6 * 256 + ((a >>> 8) & 0xff)] ^
      t[5 * 256 + ((a >>> 16) & 0xff)] ^
      t[4 * 256 + (a >>> 24)] ^
      t[3 * 256 + buf[i + 4]] ^
      t[2 * 256 + buf[i + 5]] ^
      t[256 + buf[i + 6]] ^
      t[buf[i + 7]];
  }
  for (; i < end; i++) crc = t[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

function buildCrcTables() {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) {
      const prev = t[(k - 1) * 256 + n];
      t[k * 256 + n] = t[prev & 0xff] ^ (prev >>> 8);
    }
  }
  return t;
}

module.exports = { encodeRecordBatch, crc32c };
