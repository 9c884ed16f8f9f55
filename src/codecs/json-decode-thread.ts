// The decode thread of a ParallelJsonDecoder: JSON-decodes a batch's values off the main thread
// and sends back only the fields the job reads, in typed arrays. A value it cannot hand over
// exactly (it fails to decode, or a field holds an object or array) is left to the main thread.
// Most values take the byte scanner (JsonFieldScanner); the rest go through JSON.parse.

import { parentPort, workerData } from 'node:worker_threads';
import type { JsonObject } from '../core/record.js';
import {
  FIELD_FALSE,
  FIELD_NULL,
  FIELD_NUMBER,
  FIELD_STRING,
  FIELD_TRUE,
  readFrameLayout,
  slotsPerValue,
  VALUE_LEFT,
  type DecodeReply,
  type DecodeRequest,
} from './decode-protocol.js';
import { JsonCodec } from './json-codec.js';
import { JsonFieldScanner } from './json-field-scanner.js';

const port = parentPort!;
const maxRecordBytes = (workerData as { maxRecordBytes: number }).maxRecordBytes;
const codec = new JsonCodec(maxRecordBytes);
/** Scanners by field list: a job sends the same list with every request. */
const scanners = new Map<string, JsonFieldScanner>();

/** Writes value `i`'s fields into the reply arrays; false if the value must be left. */
function project(
  value: JsonObject,
  fields: readonly string[],
  base: number,
  types: Uint8Array,
  numbers: Float64Array,
  strings: string[],
): boolean {
  for (let j = 0; j < fields.length; j++) {
    const field = fields[j]!;
    if (!Object.hasOwn(value, field)) continue; // FIELD_ABSENT (0)
    const v = value[field];
    const slot = base + j;
    if (typeof v === 'number') {
      // A float64 carries every JSON number exactly; ±Infinity (huge literals) too.
      types[slot] = FIELD_NUMBER;
      numbers[slot] = v;
    } else if (typeof v === 'string') {
      types[slot] = FIELD_STRING;
      numbers[slot] = strings.length;
      strings.push(v);
    } else if (v === true) types[slot] = FIELD_TRUE;
    else if (v === false) types[slot] = FIELD_FALSE;
    else if (v === null) types[slot] = FIELD_NULL;
    else return false; // objects and arrays: checking them would cost what it saves
  }
  return true;
}

port.on('message', (request: DecodeRequest) => {
  const fields = request.fields;
  const fieldsKey = fields.join('\u0000');
  let scanner = scanners.get(fieldsKey);
  if (scanner === undefined) {
    scanner = new JsonFieldScanner(fields, maxRecordBytes);
    scanners.set(fieldsKey, scanner);
  }
  const frame = Buffer.from(request.frame);
  const stride = slotsPerValue(fields);
  const count = request.count;
  const { starts, lengths } = readFrameLayout(frame, count);
  const slots = count * stride;
  const types = new Uint8Array(slots);
  const numbers = new Float64Array(slots);
  const strings: string[] = [];
  const target = { types, numbers, strings };
  for (let i = 0; i < count; i++) {
    const pos = starts[i]!;
    const length = lengths[i]!;
    const base = i * stride;
    if (length < 0) {
      types[base] = VALUE_LEFT;
      continue;
    }
    const stringsBefore = strings.length;
    if (!scanner.scan(frame, pos, pos + length, base, target)) {
      // Undo the scan's partial writes; JSON.parse decides (and names any error).
      types.fill(0, base, base + stride);
      strings.length = stringsBefore;
      const decoded = codec.decodeBytes(frame.subarray(pos, pos + length));
      if (decoded.ok !== true || !project(decoded.value, fields, base, types, numbers, strings)) {
        types.fill(0, base, base + stride);
        types[base] = VALUE_LEFT;
      }
    }
  }
  const reply: DecodeReply = { id: request.id, types, numbers, strings };
  port.postMessage(reply, [types.buffer, numbers.buffer]);
});
