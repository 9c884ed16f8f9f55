// The decode thread of a ParallelJsonDecoder: JSON-decodes a batch's values off the main thread
// and sends back only the fields the job reads, in typed arrays. A value it cannot hand over
// exactly (it fails to decode, or a field holds an object or array) is left to the main thread.

import { parentPort, workerData } from 'node:worker_threads';
import type { JsonObject } from '../core/record.js';
import {
  FIELD_FALSE,
  FIELD_NULL,
  FIELD_NUMBER,
  FIELD_STRING,
  FIELD_TRUE,
  readValueFrame,
  slotsPerValue,
  VALUE_LEFT,
  type DecodeReply,
  type DecodeRequest,
} from './decode-protocol.js';
import { JsonCodec } from './json-codec.js';

const port = parentPort!;
const codec = new JsonCodec((workerData as { maxRecordBytes: number }).maxRecordBytes);

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
  const values = readValueFrame(request.frame);
  const fields = request.fields;
  const stride = slotsPerValue(fields);
  const slots = values.length * stride;
  const types = new Uint8Array(slots);
  const numbers = new Float64Array(slots);
  const strings: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const bytes = values[i]!;
    const base = i * stride;
    const decoded = bytes === null ? undefined : codec.decodeBytes(bytes);
    if (decoded?.ok !== true || !project(decoded.value, fields, base, types, numbers, strings)) {
      types.fill(0, base, base + stride);
      types[base] = VALUE_LEFT;
    }
  }
  const reply: DecodeReply = { id: request.id, types, numbers, strings };
  port.postMessage(reply, [types.buffer, numbers.buffer]);
});
