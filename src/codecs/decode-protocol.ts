// Messages between a ParallelJsonDecoder and its decode thread, and the frame that carries a
// batch's values across as one transferable ArrayBuffer.
//
// Frame (little-endian): per value an i32 length (-1: not sent, decode on the main thread) and
// the bytes.

import type { RawRecord } from '../core/record.js';

export interface DecodeRequest {
  readonly id: number;
  readonly frame: ArrayBuffer;
  /** Values in the frame. */
  readonly count: number;
  /** Top-level fields to hand back. */
  readonly fields: readonly string[];
}

/** Per value and field, what the decode thread found (`DecodeReply.types`). */
export const FIELD_ABSENT = 0;
export const FIELD_NUMBER = 1;
export const FIELD_STRING = 2;
export const FIELD_TRUE = 3;
export const FIELD_FALSE = 4;
export const FIELD_NULL = 5;
/** In a value's first slot: the main thread decodes this value itself. */
export const VALUE_LEFT = 255;

/** Reply slots per value: one per field, and at least one (for VALUE_LEFT). */
export function slotsPerValue(fields: readonly string[]): number {
  return Math.max(1, fields.length);
}

/**
 * The projected fields of every value, flat: slot `i × fields.length + j` is field j of value i.
 * Typed arrays rather than JSON text or objects, so neither side pays for serialising.
 */
export interface DecodeReply {
  readonly id: number;
  /** FIELD_* per slot; VALUE_LEFT in a value's first slot. */
  readonly types: Uint8Array;
  /** The number, or for FIELD_STRING the index into `strings`. */
  readonly numbers: Float64Array;
  readonly strings: readonly string[];
}

/**
 * Packs the values of `records[from, to)` into a frame, straight from the records; a null value
 * (or one over `maxBytes`) is sent as "not sent".
 */
export function writeValueFrame(
  records: readonly RawRecord[],
  from: number,
  to: number,
  maxBytes: number,
): ArrayBuffer {
  let size = 0;
  for (let i = from; i < to; i++) {
    const v = records[i]!.value;
    size += 4 + (v !== null && v.length <= maxBytes ? v.length : 0);
  }
  const frame = new ArrayBuffer(size);
  const bytes = new Uint8Array(frame);
  const view = new DataView(frame);
  let pos = 0;
  for (let i = from; i < to; i++) {
    const v = records[i]!.value;
    if (v === null || v.length > maxBytes) {
      view.setInt32(pos, -1, true);
      pos += 4;
      continue;
    }
    view.setInt32(pos, v.length, true);
    bytes.set(v, pos + 4);
    pos += 4 + v.length;
  }
  return frame;
}

/** Where each value of a frame lies: `lengths[i]` -1 for "not sent", else its bytes at `starts[i]`. */
export interface FrameLayout {
  readonly starts: Int32Array;
  readonly lengths: Int32Array;
}

/** The layout of a frame's `count` values, in order (no copies, no per-value objects). */
export function readFrameLayout(frame: Buffer, count: number): FrameLayout {
  const starts = new Int32Array(count);
  const lengths = new Int32Array(count);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const length = frame.readInt32LE(pos);
    starts[i] = pos + 4;
    lengths[i] = length;
    pos += 4 + Math.max(0, length);
  }
  return { starts, lengths };
}
