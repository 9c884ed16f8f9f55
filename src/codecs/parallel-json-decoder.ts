// Decode step, ahead of processing: a fetched batch's values are JSON-decoded on a thread of
// their own while the main thread processes earlier batches, and only the fields the job reads
// come back (SubTopology.sourceFields). On a 200-byte event that takes most of the decoding
// (and its garbage) off the thread that runs the job.

import type { Worker } from 'node:worker_threads';
import { startModuleThread } from '../core/module-thread.js';
import type { JsonObject, PredecodedValues, RawRecord } from '../core/record.js';
import {
  FIELD_FALSE,
  FIELD_NULL,
  FIELD_NUMBER,
  FIELD_STRING,
  FIELD_TRUE,
  slotsPerValue,
  VALUE_LEFT,
  writeValueFrame,
  type DecodeReply,
  type DecodeRequest,
} from './decode-protocol.js';

interface Pending {
  readonly records: readonly RawRecord[];
  readonly from: number;
  readonly fields: readonly string[];
  readonly resolve: () => void;
}

export class ParallelJsonDecoder {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private broken = false;

  /** `maxRecordBytes`: larger values are not sent (the main thread dead-letters them). */
  constructor(private readonly maxRecordBytes: number) {
    this.worker = startModuleThread(new URL('./json-decode-thread.js', import.meta.url), {
      maxRecordBytes,
    });
    this.worker.unref();
    this.worker.on('message', (reply: DecodeReply) => this.onReply(reply));
    this.worker.on('error', () => this.stopUsing());
    this.worker.on('exit', () => this.stopUsing());
  }

  /**
   * Sets `predecoded` on the records (of `from` ≤ index < `to`): for a value that decodes to a
   * JSON object, its `fields` (those present). Values that fail to decode, or hold an object or
   * array in one of the fields, are left for the main thread. Never rejects: if the thread is
   * gone, every record is left as it was.
   */
  decodeInto(
    records: readonly RawRecord[],
    fields: readonly string[],
    from = 0,
    to = records.length,
  ): Promise<void> {
    if (this.broken || to <= from) return Promise.resolve();
    const frame = writeValueFrame(records, from, to, this.maxRecordBytes);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { records, from, fields, resolve });
      const request: DecodeRequest = { id, frame, count: to - from, fields };
      this.worker.postMessage(request, [frame]);
    });
  }

  async close(): Promise<void> {
    this.stopUsing();
    await this.worker.terminate();
  }

  private onReply(reply: DecodeReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    const { records, from, fields } = pending;
    const values = new DecodedValues(reply, fields);
    const count = reply.types.length / values.stride;
    for (let i = 0; i < count; i++) {
      const record = records[from + i]!;
      record.predecoded = values;
      record.predecodedIndex = i;
    }
    pending.resolve();
  }

  private stopUsing(): void {
    this.broken = true;
    for (const pending of this.pending.values()) pending.resolve();
    this.pending.clear();
  }
}

/** A decode reply read on demand: each value's object is built when its record is processed. */
class DecodedValues implements PredecodedValues {
  readonly stride: number;

  constructor(
    private readonly reply: DecodeReply,
    private readonly fields: readonly string[],
  ) {
    this.stride = slotsPerValue(fields);
  }

  valueAt(index: number): JsonObject | undefined {
    const { types, numbers, strings } = this.reply;
    const fields = this.fields;
    const base = index * this.stride;
    if (types[base] === VALUE_LEFT) return undefined;
    const value: JsonObject = {};
    for (let j = 0; j < fields.length; j++) {
      const slot = base + j;
      switch (types[slot]) {
        case FIELD_NUMBER:
          value[fields[j]!] = numbers[slot]!;
          break;
        case FIELD_STRING:
          value[fields[j]!] = strings[numbers[slot]!]!;
          break;
        case FIELD_TRUE:
          value[fields[j]!] = true;
          break;
        case FIELD_FALSE:
          value[fields[j]!] = false;
          break;
        case FIELD_NULL:
          value[fields[j]!] = null;
          break;
      }
    }
    return value;
  }
}
