// The window node: keyed, event-time windowed aggregation. Assigns each record to its windows,
// folds it into their accumulators in the state store, and emits results on every update or
// once per window when it closes (watermark ≥ end + grace), then deletes windows past retention.

import { SluiceError } from '../core/errors.js';
import type { Processor, ProcessorContext, StoreDeclaration } from '../core/processor.js';
import type { JsonObject, JsonValue, RecordHeaders, StreamRecord } from '../core/record.js';
import type { KeyTimeIndex, KeyValueStore } from '../core/store.js';
import type { Aggregator } from './aggregators/aggregator.js';
import { cloneJson } from './clone-json.js';
import { DueIndex } from './due-index.js';
import { compareUtf8 } from './key-order.js';
import { SessionWindowAssigner } from './session-window-assigner.js';
import { SlidingWindowAssigner } from './sliding-window-assigner.js';
import {
  ACC,
  END,
  FLAG_EMITTED,
  FLAGS,
  MAX_TS,
  START,
  type StoredWindow,
  type StoredWindows,
} from './stored-window.js';
import { TimeWindowAssigner } from './time-window-assigner.js';
import type { WindowAssigner, WindowUpdateTarget } from './window-assigner.js';
import {
  closeDelayMs,
  defaultRetentionMs,
  minRetentionMs,
  validateWindowDefinition,
  windowDefinitionStateId,
  type WindowDefinition,
} from './window-definition.js';
import { WINDOW_RESULT_FIELDS, windowResult, windowResults } from './window-results.js';

/** One output field: an aggregator and how to read its input from a record. */
export interface WindowAggregation {
  readonly aggregator: Aggregator;
  /**
   * Reads the aggregated value (a field, or a compiled expression). `undefined` counts as null
   * (ignored). A throw dead-letters the record with EXPR_EVAL (or the SluiceError thrown).
   */
  readonly extract: (record: StreamRecord) => JsonValue | undefined;
  /** The field or expression as written in the job file, for error messages. */
  readonly of?: string;
}

export interface WindowOperatorOptions {
  readonly window: WindowDefinition;
  /** Output field name → aggregation; results appear in this order. */
  readonly aggregations: Readonly<Record<string, WindowAggregation>>;
  /** `update` (default): emit on every change; `final`: once per window, when it closes. */
  readonly emit?: 'update' | 'final';
  readonly storeName: string;
  readonly queryable?: boolean;
  /**
   * How long a window stays in the store after its `endMs` (ms), for queries. Default and
   * minimum: see `defaultRetentionMs` / `minRetentionMs` (a smaller value is raised).
   */
  readonly retentionMs?: number;
  /**
   * Expiries kept in memory per task before they move to the store's disk time index (if it has
   * one). Default IN_MEMORY_EXPIRIES; 0 = on disk from the start.
   */
  readonly inMemoryExpiries?: number;
}

/**
 * Default `inMemoryExpiries`: 500,000 per task (~30-50 MiB of key strings). Below it the in-memory
 * index costs nothing per record; the disk index (a RocksDB write per new window, reads and
 * deletes at expiry) cost the benchmark job 18% of its throughput, so it takes over only when a
 * task holds this many windows, where memory would otherwise grow with the number of live keys.
 */
export const IN_MEMORY_EXPIRIES = 500_000;

/** Due keys are prefetched and closed this many at a time when they were not in the cache. */
const CATCH_UP_CHUNK = 5_000;
/** While rebuilding the expiry index in `init`, flush it to disk every this many windows. */
const INIT_FLUSH_WINDOWS = 16_384;

/**
 * Store key under which earlier versions kept the stream time (not a record key: starts with
 * U+0000). Read once for state written by them, then deleted: stream time lives in the checkpoint.
 */
export const STREAM_TIME_KEY = '\u0000sluice-stream-time';
/** Name of the stream time in the node's checkpoint values. */
const STREAM_TIME_CHECKPOINT = 'stream-time';

/**
 * Keyed, event-time windowed aggregation with Kafka Streams semantics (see WindowDefinition).
 *
 * Output records: key `${key}|${startMs}`, value `{key, startMs, endMs, ...results}`,
 * timestampMs = the largest event time in the window (Kafka Streams' window timestamp; for
 * sessions that is the session's last record), headers of the record that caused the output.
 * Session merges under `emit: update` also forward `{key, startMs, endMs, retracted: true}` for
 * each merged-away session whose start differs from the merged session's.
 *
 * Stream time is per operator: the max of the event times it has processed and of the
 * watermarks the runtime passes to `onWatermark`. As in Kafka Streams, a record advances stream
 * time before its own late check, and `emit: final` results are emitted right after the record
 * that closes their windows, ordered by (startMs, key) — (endMs, key, startMs) for sessions —
 * keys in UTF-8 byte order, as Kafka Streams' time-ordered stores do (with its emit interval at
 * 0 and caching off). Windows are deleted once the watermark ≥ endMs + retention.
 *
 * Late records — added to no window because every window they belong to is closed — are
 * dead-lettered with LATE and counted with `ctx.countLate()`. A hopping or sliding record that is
 * late for only some of its windows updates the open ones and is not dead-lettered (Kafka
 * Streams skips the closed ones, counting each in its dropped-records metric).
 * Records with a null key are dead-lettered with FIELD_MISSING; a value of the wrong type for a
 * numeric aggregation with FIELD_TYPE; a failing extractor with EXPR_EVAL.
 *
 * State: one store entry per record key holding all its windows (StoredWindows). `get` is
 * synchronous, so `prepareBatch` prefetches the batch's keys; a window that closes or expires
 * while its key is not cached is handled at the next `prepareBatch` or `onCommit`, after a
 * prefetch. Windows to close (emit: final) are indexed in memory, as their results are emitted
 * synchronously; windows to expire are indexed in memory up to `inMemoryExpiries`, then on disk
 * in the store's time index when it has one (KeyTimeIndex: RocksDB stores), so memory does not
 * grow with the number of live keys; they are then deleted at the next `prepareBatch` or
 * `onCommit` once due. Both indexes are rebuilt from the
 * store in `init` (after a restore); the disk index is flushed at each commit.
 * Stream time is committed in the task's checkpoint (with the windows and input offsets); without
 * one it is the largest event time held in the store.
 */
export class WindowOperator implements Processor, WindowUpdateTarget {
  readonly stateId: string;
  /** Effective retention in ms after a window's end (never below `minRetentionMs`). */
  readonly retentionMs: number;
  streamTimeMs = Number.NEGATIVE_INFINITY;
  private savedStreamTimeMs = Number.NEGATIVE_INFINITY;

  private readonly names: string[];
  private readonly aggregators: Aggregator[];
  private readonly extractors: Array<WindowAggregation['extract']>;
  private readonly values: JsonValue[];
  private readonly assigner: WindowAssigner;
  private readonly final: boolean;
  private readonly session: boolean;
  private readonly closeDelayMs: number;
  /** Windows to close (emit: final, not emitted yet), by close time. */
  private closing = new DueIndex();
  /** Windows to expire while they are in memory (taken synchronously); undefined once on disk. */
  private memoryExpiring: DueIndex | undefined = new DueIndex();
  /** The store's disk time index, if it has one: where expiries move once there are many. */
  private diskExpiring: KeyTimeIndex | undefined;
  private readonly pending = new Set<string>();
  /** The window list of a key not in the store yet; a copy of exact size is stored. */
  private readonly fresh: StoredWindows = [];
  private store: KeyValueStore<StoredWindows> | undefined;

  // The record being processed, read by the WindowUpdateTarget methods.
  private currentKey = '';
  private currentTimestampMs = 0;
  private currentRecord: StreamRecord | undefined;
  private currentCtx: ProcessorContext | undefined;
  private lastRecord: StreamRecord | undefined;
  /** Set when the current record created or changed a window. */
  private changed = false;

  constructor(private readonly options: WindowOperatorOptions) {
    const { window } = options;
    validateWindowDefinition(window);
    this.names = Object.keys(options.aggregations);
    if (this.names.length === 0) {
      throw new SluiceError('JOB_INVALID', 'a window node needs at least one aggregation', {
        context: { field: 'aggregations' },
      });
    }
    for (const name of this.names) {
      if ((WINDOW_RESULT_FIELDS as readonly string[]).includes(name)) {
        throw new SluiceError(
          'JOB_INVALID',
          `aggregation name "${name}" is reserved (results carry ${WINDOW_RESULT_FIELDS.join(', ')})`,
          { context: { field: `aggregations.${name}` } },
        );
      }
    }
    const aggregations = this.names.map((name) => options.aggregations[name] as WindowAggregation);
    this.aggregators = aggregations.map((a) => a.aggregator);
    this.extractors = aggregations.map((a) => a.extract);
    this.values = new Array<JsonValue>(this.names.length).fill(null);
    this.final = options.emit === 'final';
    this.session = window.type === 'session';
    this.closeDelayMs = closeDelayMs(window);
    if (this.session) {
      this.aggregators.forEach((aggregator, i) => {
        if (aggregator.merge === undefined) {
          throw new SluiceError(
            'JOB_INVALID',
            `aggregation "${this.names[i]}" cannot be used in session windows (it cannot merge sessions)`,
            { context: { field: `aggregations.${this.names[i]}` } },
          );
        }
      });
    }
    const requested = options.retentionMs ?? defaultRetentionMs(window);
    if (!Number.isSafeInteger(requested) || requested < 0) {
      throw new SluiceError(
        'JOB_INVALID',
        'store retention must be a whole, non-negative number of ms',
        {
          context: { field: 'store.retention' },
        },
      );
    }
    this.retentionMs = Math.max(requested, minRetentionMs(window));
    switch (window.type) {
      case 'tumbling':
        this.assigner = new TimeWindowAssigner(window.sizeMs, window.sizeMs);
        break;
      case 'hopping':
        this.assigner = new TimeWindowAssigner(window.sizeMs, window.advanceMs);
        break;
      case 'sliding':
        this.assigner = new SlidingWindowAssigner(window.sizeMs);
        break;
      case 'session':
        this.assigner = new SessionWindowAssigner(window.gapMs);
        break;
    }
    const aggregatorIds = this.names.map(
      (name, i) => `${name}=${(this.aggregators[i] as Aggregator).stateId}`,
    );
    this.stateId = `window.v1:${windowDefinitionStateId(window)}:${aggregatorIds.join(',')}`;
  }

  /**
   * Entries in the in-memory indexes of windows to close or expire (for metrics and tests); with
   * a disk time index, expiries are not counted (they are not in memory).
   */
  get indexedWindows(): number {
    return this.closing.size + (this.memoryExpiring?.size ?? 0);
  }

  stores(): readonly StoreDeclaration[] {
    return [
      {
        name: this.options.storeName,
        kind: 'window',
        stateId: this.stateId,
        queryable: this.options.queryable === true,
        retentionMs: this.retentionMs,
        view: (key, value, fromMs, toMs) => this.view(key, value, fromMs, toMs),
      },
    ];
  }

  /** Results for a stored value of this operator's store (for the query API), in startMs order. */
  view(key: string, stored: unknown, fromMs?: number, toMs?: number): JsonObject[] {
    if (key === STREAM_TIME_KEY) return [];
    return windowResults(key, stored, this.options.aggregations, fromMs, toMs);
  }

  async init(ctx: ProcessorContext): Promise<void> {
    const store = ctx.getStore<KeyValueStore<StoredWindows>>(this.options.storeName);
    this.store = store;
    this.closing = new DueIndex();
    this.memoryExpiring = new DueIndex();
    this.diskExpiring = store.timeIndex;
    this.spillExpiriesIfMany();
    this.pending.clear();
    let indexed = 0;
    this.streamTimeMs = Number.NEGATIVE_INFINITY;
    let legacyStreamTime = false;
    for await (const [key, windows] of store.entries()) {
      if (key === STREAM_TIME_KEY) {
        const saved = windows as unknown;
        if (typeof saved === 'number' && saved > this.streamTimeMs) this.streamTimeMs = saved;
        legacyStreamTime = true;
        continue;
      }
      if (!Array.isArray(windows)) continue;
      for (const window of windows) {
        if (window[MAX_TS] > this.streamTimeMs) this.streamTimeMs = window[MAX_TS];
        this.schedule(key, window);
      }
      indexed += windows.length;
      if (indexed >= INIT_FLUSH_WINDOWS) {
        indexed = 0;
        await this.expiring.flush();
      }
    }
    await this.expiring.flush();
    const committed = Number(ctx.checkpoint.get(STREAM_TIME_CHECKPOINT) ?? Number.NaN);
    if (committed > this.streamTimeMs) this.streamTimeMs = committed;
    // The checkpoint holds it from the next commit on; the old entry is tombstoned with it.
    if (legacyStreamTime) (store as KeyValueStore<unknown>).delete(STREAM_TIME_KEY);
    this.savedStreamTimeMs = legacyStreamTime ? Number.NEGATIVE_INFINITY : this.streamTimeMs;
  }

  prepareBatch(keys: readonly string[], ctx: ProcessorContext): Promise<void> {
    const store = this.requireStore();
    if (!this.anythingDue()) return store.prefetch(keys);
    return this.catchUp(ctx).then(() => store.prefetch(keys));
  }

  process(record: StreamRecord, ctx: ProcessorContext): void {
    const key = record.key;
    if (key === null) {
      ctx.deadLetter(
        record,
        new SluiceError(
          'FIELD_MISSING',
          'window needs a key: the record has none (key it with key-by first)',
          {
            context: { node: ctx.node },
          },
        ),
      );
      return;
    }
    let timestampMs = record.timestampMs;
    if (!(timestampMs >= 0) || !Number.isFinite(timestampMs)) {
      ctx.deadLetter(
        record,
        new SluiceError('FIELD_TYPE', `event time ${timestampMs} is not a non-negative epoch ms`, {
          context: { node: ctx.node },
        }),
      );
      return;
    }
    timestampMs = Math.floor(timestampMs);
    if (!this.extract(record, ctx)) return;

    if (timestampMs > this.streamTimeMs) this.streamTimeMs = timestampMs;
    const store = this.requireStore();
    const stored = store.get(key);
    let windows = stored;
    if (windows === undefined) {
      windows = this.fresh;
      windows.length = 0;
    }
    const pruned = this.prune(windows);

    this.currentKey = key;
    this.currentTimestampMs = timestampMs;
    this.currentRecord = record;
    this.currentCtx = ctx;
    this.changed = false;
    const accepted = this.assigner.assign(windows, timestampMs, this);
    this.currentRecord = undefined;
    this.currentCtx = undefined;
    this.lastRecord = record;

    if (this.changed || pruned) {
      // A list grown from [] has room for ~17 windows; a new key's copy has room for its own.
      if (windows.length > 0) store.put(key, stored === undefined ? windows.slice() : windows);
      else if (stored !== undefined) store.delete(key);
    }
    if (!accepted) {
      ctx.countLate();
      ctx.deadLetter(
        record,
        new SluiceError(
          'LATE',
          `record at ${timestampMs} is late: its windows closed (stream time ${this.streamTimeMs}, grace ${this.options.window.graceMs ?? 0} ms)`,
          { context: { node: ctx.node } },
        ),
      );
    }
    if (this.final && this.dueInMemory()) {
      this.fire(this.takeDueInMemory(), record.headers, record, ctx, true);
    }
  }

  onWatermark(watermarkMs: number, ctx: ProcessorContext): void {
    if (watermarkMs > this.streamTimeMs) this.streamTimeMs = watermarkMs;
    if (this.dueInMemory()) this.fire(this.takeDueInMemory(), {}, this.lastRecord, ctx, true);
  }

  onCommit(ctx: ProcessorContext): Promise<void> | void {
    // Stream time is committed with the windows: records that never reached this node (filtered,
    // late) and windows already deleted still count after a restart, as Kafka Streams keeps
    // partition time with its committed offsets.
    if (Number.isFinite(this.streamTimeMs) && this.streamTimeMs !== this.savedStreamTimeMs) {
      ctx.checkpoint.set(STREAM_TIME_CHECKPOINT, String(this.streamTimeMs));
      this.savedStreamTimeMs = this.streamTimeMs;
    }
    if (this.anythingDue()) return this.catchUp(ctx).then(() => this.expiring.flush());
    // Bounds the disk index's buffer to one commit interval of new windows.
    if (this.memoryExpiring === undefined) return this.expiring.flush();
  }

  // ---- WindowUpdateTarget: called by the assigner for the current record ----

  isOpen(endMs: number): boolean {
    return endMs + this.closeDelayMs > this.streamTimeMs;
  }

  isRetained(window: StoredWindow): boolean {
    return window[END] + this.retentionMs > this.streamTimeMs;
  }

  newWindow(
    startMs: number,
    endMs: number,
    maxTimestampMs: number,
    seed?: StoredWindow,
  ): StoredWindow {
    const n = this.aggregators.length;
    // Literals are allocated at their exact size; pushing grows the backing store to ~22 slots,
    // which is most of a cached window's memory when there are millions of them.
    if (n === 1) return [startMs, endMs, maxTimestampMs, 0, this.initial(0, seed)];
    if (n === 2) {
      return [startMs, endMs, maxTimestampMs, 0, this.initial(0, seed), this.initial(1, seed)];
    }
    const window: StoredWindow = [startMs, endMs, maxTimestampMs, 0];
    for (let i = 0; i < n; i++) window.push(this.initial(i, seed));
    return window;
  }

  /** Accumulator `i` of a new window: the aggregator's initial value, or a copy of the seed's. */
  private initial(i: number, seed: StoredWindow | undefined): JsonValue {
    return seed === undefined
      ? (this.aggregators[i] as Aggregator).initial()
      : cloneJson(seed[ACC + i] as JsonValue);
  }

  aggregate(window: StoredWindow): void {
    const aggregators = this.aggregators;
    const values = this.values;
    const timestampMs = this.currentTimestampMs;
    for (let i = 0; i < aggregators.length; i++) {
      window[ACC + i] = (aggregators[i] as Aggregator).add(
        window[ACC + i] as JsonValue,
        values[i] as JsonValue,
        timestampMs,
      );
    }
    if (timestampMs > window[MAX_TS]) window[MAX_TS] = timestampMs;
    this.changed = true;
  }

  mergeInto(into: StoredWindow, from: StoredWindow): void {
    const aggregators = this.aggregators;
    for (let i = 0; i < aggregators.length; i++) {
      const aggregator = aggregators[i] as Aggregator;
      // Session operators check at construction that every aggregator can merge.
      into[ACC + i] = (aggregator.merge as NonNullable<Aggregator['merge']>)(
        into[ACC + i] as JsonValue,
        from[ACC + i] as JsonValue,
      );
    }
    if (from[MAX_TS] > into[MAX_TS]) into[MAX_TS] = from[MAX_TS];
  }

  track(window: StoredWindow): void {
    this.schedule(this.currentKey, window);
    this.changed = true;
  }

  updated(window: StoredWindow): void {
    if (this.final) return;
    const record = this.currentRecord as StreamRecord;
    (this.currentCtx as ProcessorContext).forward({
      key: `${this.currentKey}|${window[START]}`,
      value: windowResult(this.currentKey, window, this.names, this.aggregators),
      timestampMs: window[MAX_TS],
      headers: record.headers,
      origin: record.origin,
      raw: record.raw,
    });
  }

  retracted(startMs: number, endMs: number, maxTimestampMs: number): void {
    if (this.final) return;
    const record = this.currentRecord as StreamRecord;
    (this.currentCtx as ProcessorContext).forward({
      key: `${this.currentKey}|${startMs}`,
      value: { key: this.currentKey, startMs, endMs, retracted: true },
      timestampMs: maxTimestampMs,
      headers: record.headers,
      origin: record.origin,
      raw: record.raw,
    });
  }

  // ---- internals ----

  private requireStore(): KeyValueStore<StoredWindows> {
    if (this.store === undefined) {
      throw new SluiceError(
        'INTERNAL',
        `window store "${this.options.storeName}" used before init`,
      );
    }
    return this.store;
  }

  /** Reads every aggregation's input into `values`; dead-letters the record and returns false on error. */
  private extract(record: StreamRecord, ctx: ProcessorContext): boolean {
    const extractors = this.extractors;
    for (let i = 0; i < extractors.length; i++) {
      let value: JsonValue | undefined;
      try {
        value = (extractors[i] as WindowAggregation['extract'])(record);
      } catch (err) {
        const error =
          err instanceof SluiceError
            ? err
            : new SluiceError(
                'EXPR_EVAL',
                `aggregation "${this.names[i]}": ${(err as Error).message}`,
                {
                  cause: err,
                  context: { node: ctx.node, field: this.fieldOf(i) },
                },
              );
        ctx.deadLetter(record, error);
        return false;
      }
      if (value === undefined) value = null;
      if (
        value !== null &&
        (this.aggregators[i] as Aggregator).input === 'number' &&
        (typeof value !== 'number' || !Number.isFinite(value))
      ) {
        ctx.deadLetter(
          record,
          new SluiceError(
            'FIELD_TYPE',
            `aggregation "${this.names[i]}" needs a number, got ${JSON.stringify(value)?.slice(0, 100)}`,
            { context: { node: ctx.node, field: this.fieldOf(i) } },
          ),
        );
        return false;
      }
      this.values[i] = value;
    }
    return true;
  }

  private fieldOf(i: number): string {
    const name = this.names[i] as string;
    return (this.options.aggregations[name] as WindowAggregation).of ?? name;
  }

  /** Indexes when the window next needs attention: its close (final, not emitted), else expiry. */
  private schedule(key: string, window: StoredWindow): void {
    if (this.final && (window[FLAGS] & FLAG_EMITTED) === 0) {
      this.closing.add(window[END] + this.closeDelayMs, key);
    } else {
      this.addExpiry(window[END] + this.retentionMs, key);
    }
  }

  /** Windows to expire, by expiry time: in memory, or on disk once there were many. */
  private get expiring(): KeyTimeIndex {
    return this.memoryExpiring ?? (this.diskExpiring as KeyTimeIndex);
  }

  private addExpiry(dueMs: number, key: string): void {
    this.expiring.add(dueMs, key);
    this.spillExpiriesIfMany();
  }

  /** Moves the in-memory expiries to the store's disk index once there are many. */
  private spillExpiriesIfMany(): void {
    const memory = this.memoryExpiring;
    const disk = this.diskExpiring;
    if (memory === undefined || disk === undefined) return;
    if (memory.size < (this.options.inMemoryExpiries ?? IN_MEMORY_EXPIRIES)) return;
    for (const [dueMs, keys] of memory.drain()) for (const key of keys) disk.add(dueMs, key);
    this.memoryExpiring = undefined;
  }

  /** Something to close, expire or retry is due: `catchUp` has work. */
  private anythingDue(): boolean {
    return (
      this.pending.size > 0 ||
      this.closing.nextDueMs <= this.streamTimeMs ||
      this.expiring.nextTimeMs <= this.streamTimeMs
    );
  }

  /** Something in the in-memory indexes is due (what `takeDueInMemory` returns). */
  private dueInMemory(): boolean {
    return (
      this.closing.nextDueMs <= this.streamTimeMs ||
      (this.memoryExpiring !== undefined && this.memoryExpiring.nextDueMs <= this.streamTimeMs)
    );
  }

  /** Keys due in the in-memory indexes; expiries on disk wait for `catchUp`. */
  private takeDueInMemory(): string[] {
    const closes = this.closing.takeDue(this.streamTimeMs);
    const memory = this.memoryExpiring;
    if (memory === undefined || memory.nextDueMs > this.streamTimeMs) return closes;
    const expiries = memory.takeDue(this.streamTimeMs);
    return closes.length === 0 ? expiries : [...new Set([...closes, ...expiries])];
  }

  private isExpired(window: StoredWindow): boolean {
    return (
      window[END] + this.retentionMs <= this.streamTimeMs &&
      (!this.final || (window[FLAGS] & FLAG_EMITTED) !== 0)
    );
  }

  /** Drops expired windows at the front of a key's list; true if any were dropped. */
  private prune(windows: StoredWindows): boolean {
    let n = 0;
    while (n < windows.length && this.isExpired(windows[n] as StoredWindow)) n++;
    if (n === 0) return false;
    windows.splice(0, n);
    return true;
  }

  /**
   * Emits final results of the keys' closed windows (emit: final) and deletes expired ones.
   * A key not in the store's cache is deferred to `catchUp` when `deferMisses`.
   */
  private fire(
    keys: readonly string[],
    headers: RecordHeaders,
    trigger: StreamRecord | undefined,
    ctx: ProcessorContext,
    deferMisses: boolean,
  ): void {
    const store = this.requireStore();
    const closed: Array<[string, StoredWindow]> = [];
    for (const key of keys) {
      let windows: StoredWindows | undefined;
      try {
        windows = store.get(key);
      } catch (err) {
        if (deferMisses) {
          this.pending.add(key);
          continue;
        }
        throw new SluiceError(
          'STATE_STORE',
          `window store "${this.options.storeName}": cannot read key after prefetch`,
          {
            cause: err,
          },
        );
      }
      if (windows === undefined) continue;
      let changed = false;
      if (this.final) {
        for (const window of windows) {
          if (
            (window[FLAGS] & FLAG_EMITTED) === 0 &&
            window[END] + this.closeDelayMs <= this.streamTimeMs
          ) {
            window[FLAGS] |= FLAG_EMITTED;
            closed.push([key, window]);
            changed = true;
            if (!this.session && window[END] + this.retentionMs > this.streamTimeMs) {
              this.addExpiry(window[END] + this.retentionMs, key);
            }
          }
        }
      }
      let kept = 0;
      let nextCloseMs = Number.POSITIVE_INFINITY;
      let nextExpiryMs = Number.POSITIVE_INFINITY;
      for (const window of windows) {
        if (this.isExpired(window)) continue;
        windows[kept++] = window;
        if (this.final && (window[FLAGS] & FLAG_EMITTED) === 0) {
          if (window[END] + this.closeDelayMs < nextCloseMs) {
            nextCloseMs = window[END] + this.closeDelayMs;
          }
        } else if (window[END] + this.retentionMs < nextExpiryMs) {
          nextExpiryMs = window[END] + this.retentionMs;
        }
      }
      if (kept < windows.length) {
        windows.length = kept;
        changed = true;
      }
      // Sessions are indexed once, at creation; one whose end moved since is rescheduled here.
      if (this.session) {
        if (nextCloseMs !== Number.POSITIVE_INFINITY) this.closing.add(nextCloseMs, key);
        if (nextExpiryMs !== Number.POSITIVE_INFINITY) this.addExpiry(nextExpiryMs, key);
      }
      if (changed) {
        if (kept > 0) store.put(key, windows);
        else store.delete(key);
      }
    }
    if (closed.length === 0) return;
    closed.sort(this.session ? compareSessions : compareTimeWindows);
    const origin = trigger ?? syntheticTrigger(ctx, this.streamTimeMs);
    for (const [key, window] of closed) {
      ctx.forward({
        key: `${key}|${window[START]}`,
        value: windowResult(key, window, this.names, this.aggregators),
        timestampMs: window[MAX_TS],
        headers,
        origin: origin.origin,
        raw: origin.raw,
      });
    }
  }

  /**
   * Closes and expires what is due (and what was deferred), prefetching the keys first: closes
   * and deferred keys, then expiries a chunk at a time from the expiry index (possibly on disk).
   */
  private async catchUp(ctx: ProcessorContext): Promise<void> {
    const store = this.requireStore();
    const keys = new Set(this.pending);
    this.pending.clear();
    for (const key of this.takeDueInMemory()) keys.add(key);
    const all = [...keys];
    for (let i = 0; i < all.length; i += CATCH_UP_CHUNK) {
      const chunk = all.slice(i, i + CATCH_UP_CHUNK);
      await store.prefetch(chunk);
      this.fire(chunk, {}, this.lastRecord, ctx, false);
    }
    // Expiry never adds entries due now (kept windows end after stream time), so this ends.
    while (this.expiring.nextTimeMs <= this.streamTimeMs) {
      const chunk = await this.expiring.takeUpTo(this.streamTimeMs, CATCH_UP_CHUNK);
      if (chunk.length === 0) break;
      await store.prefetch(chunk);
      this.fire(chunk, {}, this.lastRecord, ctx, false);
    }
  }
}

function compareTimeWindows(a: [string, StoredWindow], b: [string, StoredWindow]): number {
  return a[1][START] - b[1][START] || compareUtf8(a[0], b[0]);
}

function compareSessions(a: [string, StoredWindow], b: [string, StoredWindow]): number {
  return a[1][END] - b[1][END] || compareUtf8(a[0], b[0]) || a[1][START] - b[1][START];
}

/** Origin for results emitted before any record was processed (e.g. right after a restore). */
function syntheticTrigger(
  ctx: ProcessorContext,
  timestampMs: number,
): Pick<StreamRecord, 'origin' | 'raw'> {
  const raw = {
    topic: '',
    partition: ctx.taskId.partition,
    offset: '-1',
    timestampMs: Number.isFinite(timestampMs) ? timestampMs : 0,
    key: null,
    value: null,
    headers: {},
  };
  return { origin: raw, raw };
}
