// The changelog layer: a RocksDB bytes store whose commits also go to the store's compacted
// changelog topic, and which, when opened, decides whether local state can be trusted, catches
// up or restores from the changelog, and returns the input offsets the state reflects.
//
// Commit order (at-least-once, no transactions), split so the runtime flushes in between:
//   1. prepareCommit: send changed entries, then a checkpoint marker {seq, stateId, inputOffsets},
//      to the changelog sink (queued, no await).
//   2. the runtime flushes the task's sink: outputs, changelog records and marker are durable.
//   3. completeCommit: one atomic RocksDB batch = the same entries + the local checkpoint (input
//      offsets and a changelog position).
//   4. the runtime commits the input offsets to Kafka (advisory: a store's checkpoint wins).
// A crash anywhere leaves local state at the previous checkpoint or this one (the batch is
// atomic), and the changelog at most one commit ahead plus an unsealed tail. Opening reads the
// changelog from the local position: sealed commits found there are applied (catch-up), and keys
// of the unsealed tail are re-sent with their committed values before the next marker, so no
// marker ever seals them and compaction never lets them shadow committed values.

import type { ChangelogReader } from '../core/store.js';
import type { RecordSink } from '../core/sink.js';
import { SluiceError } from '../core/errors.js';
import {
  ChangelogRestorer,
  type ChangelogRestorerOptions,
  type ChangelogScan,
} from './changelog-restorer.js';
import { ChangelogWriter } from './changelog-writer.js';
import { RocksDBBytesStore, type RocksDBOptions } from './rocksdb/rocksdb-bytes-store.js';
import {
  CHECKPOINT_META_NAME,
  decodeCheckpoint,
  encodeCheckpoint,
  isCheckpointMarker,
  type LocalCheckpoint,
} from './store-checkpoint.js';

/** One committed change: whole value bytes, or null for a deletion (a changelog tombstone). */
export interface BytesChange {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

/** The store's changelog partition and how to read and write it. */
export interface ChangelogBinding {
  readonly reader: ChangelogReader;
  /** The task's sink; the runtime flushes it between prepareCommit and completeCommit. */
  readonly sink: RecordSink;
  readonly topic: string;
  readonly partition: number;
}

export interface ChangeLoggingOpenOptions {
  readonly location: string;
  readonly rocksdb: RocksDBOptions;
  /** StoreDeclaration.stateId: local or changelog state of another format is never reused. */
  readonly stateId: string;
  /** Undefined: local state only (nothing to restore from; commits write RocksDB alone). */
  readonly changelog?: ChangelogBinding;
  readonly restore?: ChangelogRestorerOptions;
  /** fsync each commit's RocksDB batch (survives power loss, not only a killed process). */
  readonly syncWrites?: boolean;
  readonly log?: (line: string) => void;
}

/** How the store's state was obtained when it opened. */
export type StoreOpenSource =
  /** Local RocksDB state as checkpointed (changelog had nothing newer). */
  | 'local'
  /** Local state plus newer sealed commits read from the changelog. */
  | 'catch-up'
  /** Local state missing or untrusted: rebuilt from the changelog. */
  | 'restored'
  /** Nothing anywhere: a new store. */
  | 'empty'
  /** The changelog holds another stateId: its keys were tombstoned and the state starts empty. */
  | 'reset';

export interface StoreOpenReport {
  readonly source: StoreOpenSource;
  /** Why local state was not used, when it was not. */
  readonly reason?: string;
  readonly restoredRecords: number;
  /** Keys of an unsealed changelog tail, re-sent with the next commit. */
  readonly orphanKeys: number;
  readonly durationMs: number;
}

/** A commit of the task: its number (the same in every store of the task) and input offsets. */
export interface StoreCommit {
  readonly seq: number;
  readonly inputOffsets: Readonly<Record<string, string>>;
}

export class ChangeLoggingBytesStore {
  private readonly writer: ChangelogWriter | undefined;
  private pending: { changes: readonly BytesChange[]; checkpoint: LocalCheckpoint } | undefined;

  /** Use `ChangeLoggingBytesStore.open` or `StoreOpening.finish`. */
  constructor(
    /** The RocksDB instance; read from it directly (get, getMany, range). */
    readonly local: RocksDBBytesStore,
    private readonly options: ChangeLoggingOpenOptions,
    private checkpointState: LocalCheckpoint,
    /** Changelog end offset seen at open: this store's records land at or after it. */
    private readonly changelogBase: bigint,
    private repairs: readonly BytesChange[],
    readonly openReport: StoreOpenReport,
    /** Highest commit number seen at open (local, changelog markers): new commits go above it. */
    readonly highestSeqAtOpen: number = checkpointState.seq,
  ) {
    this.writer = options.changelog
      ? new ChangelogWriter(
          options.changelog.sink,
          options.changelog.topic,
          options.changelog.partition,
        )
      : undefined;
  }

  /**
   * Opens one store on its own, restoring from the changelog when local state is missing or
   * untrusted (no checkpoint, another stateId, damaged files, a changelog behind the local
   * position). Then `checkpoint.inputOffsets` are the offsets to resume from. A task with
   * several stores uses `prepareOpen` for each and finishes them at one common commit.
   */
  static async open(options: ChangeLoggingOpenOptions): Promise<ChangeLoggingBytesStore> {
    const opening = await ChangeLoggingBytesStore.prepareOpen(options);
    return opening.finish(opening.availableSeq);
  }

  /** Phase 1 of opening: check local state and read the changelog tail; nothing is replayed yet. */
  static async prepareOpen(options: ChangeLoggingOpenOptions): Promise<StoreOpening> {
    const startMs = Date.now();
    const { location, stateId } = options;
    let reason: string | undefined;
    let db: RocksDBBytesStore;
    try {
      db = await RocksDBBytesStore.open(location, options.rocksdb);
    } catch (err) {
      if (!RocksDBBytesStore.isCorruption(err)) throw err;
      reason = `local files damaged (${(err as Error).message})`;
      await RocksDBBytesStore.destroy(location);
      db = await RocksDBBytesStore.open(location, options.rocksdb);
    }
    try {
      let local = await readLocalCheckpoint(db);
      if (local === undefined) reason ??= 'no local checkpoint';
      if (local !== undefined && local.stateId !== stateId) {
        reason = `stateId changed from ${local.stateId} to ${stateId}`;
        local = undefined;
      }
      const changelog = options.changelog;
      if (changelog === undefined) {
        if (local === undefined) db = await wipeUnlessEmpty(db, options.rocksdb);
        return new StoreOpening(db, options, { startMs, reason, local, restorer: undefined });
      }
      const restorer = new ChangelogRestorer(
        changelog.reader,
        changelog.topic,
        changelog.partition,
        {
          ...options.restore,
          onBadMarker: (offset, err) =>
            options.log?.(
              `state ${location}: ignoring unreadable checkpoint marker at offset ${offset}: ${String(err)}`,
            ),
        },
      );
      const endOffset = await restorer.endOffset();
      if (local !== undefined && local.changelogPosition === null) {
        reason = 'local checkpoint has no changelog position';
        local = undefined;
      } else if (local !== undefined && BigInt(local.changelogPosition!) > BigInt(endOffset)) {
        reason = `changelog ends at ${endOffset}, before the local position ${local.changelogPosition}`;
        local = undefined;
      }
      if (local === undefined) db = await wipeUnlessEmpty(db, options.rocksdb);
      const fromOffset = local?.changelogPosition ?? '0';
      const scan = await restorer.scan(fromOffset, endOffset);
      return new StoreOpening(db, options, { startMs, reason, local, restorer, endOffset, scan });
    } catch (err) {
      await db.close().catch(() => undefined);
      throw err;
    }
  }

  /** The checkpoint of the last completed commit (or of the restored state). */
  get checkpoint(): LocalCheckpoint {
    return this.checkpointState;
  }

  /** True between prepareCommit and completeCommit. */
  get commitPending(): boolean {
    return this.pending !== undefined;
  }

  /** Unsealed changelog keys found at open that the next commit re-sends. */
  get hasRepairs(): boolean {
    return this.repairs.length > 0;
  }

  /**
   * Phase 1: queue the repairs, `changes`, then a marker for `commit` on the changelog sink.
   * Must be followed by a sink flush and `completeCommit()`. If the flush fails, close the store
   * without completing: reopening returns the previous checkpoint and repairs the changelog tail.
   */
  prepareCommit(changes: readonly BytesChange[], commit: StoreCommit): void {
    if (this.pending !== undefined) {
      throw new SluiceError('STATE_STORE', 'prepareCommit called twice without completeCommit', {
        domain: 'internal',
      });
    }
    const stateId = this.options.stateId;
    const { seq, inputOffsets } = commit;
    if (this.writer) {
      for (const repair of this.repairs) this.writer.send(repair.key, repair.value);
      for (const change of changes) {
        if (isCheckpointMarker(change.key)) {
          throw new SluiceError('STATE_STORE', 'a store key collides with the checkpoint marker', {
            domain: 'internal',
          });
        }
        this.writer.send(change.key, change.value);
      }
      this.writer.sendMarker({ seq, stateId, inputOffsets });
    }
    this.repairs = [];
    const changelogPosition = this.writer
      ? (this.changelogBase + BigInt(this.writer.sentRecords)).toString()
      : null;
    this.pending = { changes, checkpoint: { seq, stateId, inputOffsets, changelogPosition } };
  }

  /** Phase 2, after the sink flushed: the changes and the checkpoint in one atomic RocksDB write. */
  async completeCommit(): Promise<void> {
    const pending = this.pending;
    if (pending === undefined) {
      throw new SluiceError('STATE_STORE', 'completeCommit called without prepareCommit', {
        domain: 'internal',
      });
    }
    const batch = this.local.batch();
    for (const change of pending.changes) {
      if (change.value === null) batch.delete(change.key);
      else batch.put(change.key, change.value);
    }
    batch.putMeta(CHECKPOINT_META_NAME, encodeCheckpoint(pending.checkpoint));
    await batch.commit({ sync: this.options.syncWrites ?? false });
    this.checkpointState = pending.checkpoint;
    this.pending = undefined;
  }

  async close(): Promise<void> {
    await this.local.close();
  }
}

interface OpeningState {
  readonly startMs: number;
  readonly reason: string | undefined;
  /** Trusted local checkpoint, if any. */
  readonly local: LocalCheckpoint | undefined;
  readonly restorer: ChangelogRestorer | undefined;
  readonly endOffset?: string;
  /** The changelog from the local position (or the start) to its end, up to the last marker. */
  readonly scan?: ChangelogScan;
}

/**
 * A store between the two phases of opening: local state checked and the changelog tail read.
 * The task takes the smallest `availableSeq` of its stores and finishes each at that commit, so
 * a crash between two stores' commits never leaves them at different input offsets.
 */
export class StoreOpening {
  private done = false;

  constructor(
    private db: RocksDBBytesStore,
    private readonly options: ChangeLoggingOpenOptions,
    private readonly state: OpeningState,
  ) {}

  /** The local checkpoint's commit, if local state is trusted. */
  get localSeq(): number | undefined {
    return this.state.local?.seq;
  }

  /** The newest commit this store can reach (local or sealed in the changelog); undefined = none. */
  get availableSeq(): number | undefined {
    if (this.needsReset) return undefined;
    const seq = Math.max(this.state.local?.seq ?? 0, this.state.scan?.checkpoint?.seq ?? 0);
    return seq > 0 ? seq : undefined;
  }

  /** The changelog holds another stateId: finishing tombstones it and starts empty. */
  get needsReset(): boolean {
    const marker = this.state.scan?.checkpoint;
    return marker !== undefined && marker.stateId !== this.options.stateId;
  }

  /**
   * Phase 2: bring the store to commit `targetSeq` (undefined = the newest available) — keep
   * local state, or replay the changelog up to that commit's marker — and return it open.
   */
  async finish(targetSeq: number | undefined): Promise<ChangeLoggingBytesStore> {
    if (this.done)
      throw new SluiceError('STATE_STORE', 'StoreOpening.finish called twice', {
        domain: 'internal',
      });
    this.done = true;
    try {
      if (this.needsReset) return await this.reset();
      const { local, restorer, scan, endOffset } = this.state;
      if (restorer === undefined || scan === undefined || endOffset === undefined) {
        return this.opened(
          local ?? this.emptyCheckpoint(null),
          local ? 'local' : 'empty',
          0,
          [],
          0n,
        );
      }
      const options = this.options;
      const log = options.log ?? (() => undefined);
      let chosen = scan;
      if (
        targetSeq !== undefined &&
        scan.checkpoint !== undefined &&
        scan.checkpoint.seq > targetSeq
      ) {
        const older = await restorer.scan(
          scan.fromOffset,
          scan.endOffset,
          (cp) => cp.seq <= targetSeq,
        );
        if (older.checkpoint !== undefined || local?.seq === targetSeq) {
          chosen = older;
        } else {
          log(
            `state ${options.location}: commit ${targetSeq} is no longer in the changelog; using ` +
              `commit ${scan.checkpoint.seq} (other stores of the task may replay some input again)`,
          );
        }
      }
      if (local === undefined) {
        log(
          `state ${options.location}: restoring from ${restorer.topic}[${restorer.partition}] ` +
            `(${this.state.reason ?? 'no local state'})`,
        );
      }
      let checkpoint: LocalCheckpoint;
      let restoredRecords = 0;
      if (chosen.checkpoint !== undefined && chosen.markerOffset !== undefined) {
        checkpoint = {
          ...chosen.checkpoint,
          stateId: options.stateId,
          changelogPosition: (BigInt(chosen.markerOffset) + 1n).toString(),
        };
        const meta = encodeCheckpoint(checkpoint);
        restoredRecords = await restorer.apply(this.db, chosen, (batch) =>
          batch.putMeta(CHECKPOINT_META_NAME, meta),
        );
      } else {
        checkpoint = local ?? this.emptyCheckpoint(chosen.fromOffset);
        if (local === undefined) {
          const batch = this.db.batch();
          batch.putMeta(CHECKPOINT_META_NAME, encodeCheckpoint(checkpoint));
          await batch.commit();
        }
      }
      // The unsealed tail: re-send committed values (or tombstones) with the next commit.
      const orphanValues = await this.db.getMany([...chosen.orphanKeys]);
      const repairs = chosen.orphanKeys.map((key, i) => ({ key, value: orphanValues[i] ?? null }));
      const source: StoreOpenSource = local
        ? chosen.checkpoint
          ? 'catch-up'
          : 'local'
        : chosen.checkpoint
          ? 'restored'
          : 'empty';
      const store = this.opened(checkpoint, source, restoredRecords, repairs, BigInt(endOffset));
      if (source !== 'local' || repairs.length > 0) {
        log(
          `state ${options.location}: ${source}, ${restoredRecords} records replayed in ` +
            `${store.openReport.durationMs} ms, ${repairs.length} unsealed keys to re-send, at commit ${checkpoint.seq}`,
        );
      }
      return store;
    } catch (err) {
      await this.db.close().catch(() => undefined);
      throw err;
    }
  }

  /** Closes without finishing (another store of the task failed to open). */
  async abort(): Promise<void> {
    this.done = true;
    await this.db.close();
  }

  private opened(
    checkpoint: LocalCheckpoint,
    source: StoreOpenSource,
    restoredRecords: number,
    repairs: readonly BytesChange[],
    changelogBase: bigint,
  ): ChangeLoggingBytesStore {
    const trusted = source === 'local' || source === 'catch-up';
    const report: StoreOpenReport = {
      source,
      ...(trusted || this.state.reason === undefined ? {} : { reason: this.state.reason }),
      restoredRecords,
      orphanKeys: repairs.length,
      durationMs: Date.now() - this.state.startMs,
    };
    const highest = Math.max(
      checkpoint.seq,
      this.state.local?.seq ?? 0,
      this.state.scan?.checkpoint?.seq ?? 0,
    );
    return new ChangeLoggingBytesStore(
      this.db,
      this.options,
      checkpoint,
      changelogBase,
      repairs,
      report,
      highest,
    );
  }

  private emptyCheckpoint(changelogPosition: string | null): LocalCheckpoint {
    return { seq: 0, stateId: this.options.stateId, inputOffsets: {}, changelogPosition };
  }

  /**
   * The changelog has another stateId: tombstone every key it holds, seal that with a marker of
   * ours, and start empty. Input offsets are empty: the runtime falls back to its group offsets.
   */
  private async reset(): Promise<ChangeLoggingBytesStore> {
    const options = this.options;
    const changelog = options.changelog!;
    const endOffset = this.state.endOffset!;
    const found = this.state.scan!.checkpoint!;
    const reason = `changelog holds stateId ${found.stateId}, the store now has ${options.stateId}`;
    options.log?.(
      `state ${options.location}: resetting ${changelog.topic}[${changelog.partition}]: ${reason}`,
    );
    this.db = await wipe(this.db, options.rocksdb);
    const writer = new ChangelogWriter(changelog.sink, changelog.topic, changelog.partition);
    const records = changelog.reader.readPartition(changelog.topic, changelog.partition, {
      fromOffset: '0',
      toOffset: endOffset,
    });
    for await (const batch of records) {
      for (const record of batch) {
        if (record.key !== null && record.value !== null && !isCheckpointMarker(record.key)) {
          writer.send(record.key, null);
        }
      }
    }
    const seq = found.seq + 1;
    writer.sendMarker({ seq, stateId: options.stateId, inputOffsets: {} });
    await writer.flush();
    const position = BigInt(endOffset) + BigInt(writer.sentRecords);
    const checkpoint: LocalCheckpoint = {
      seq,
      stateId: options.stateId,
      inputOffsets: {},
      changelogPosition: position.toString(),
    };
    const batch = this.db.batch();
    batch.putMeta(CHECKPOINT_META_NAME, encodeCheckpoint(checkpoint));
    await batch.commit();
    const report: StoreOpenReport = {
      source: 'reset',
      reason,
      restoredRecords: 0,
      orphanKeys: 0,
      durationMs: Date.now() - this.state.startMs,
    };
    return new ChangeLoggingBytesStore(this.db, options, checkpoint, position, [], report);
  }
}

async function readLocalCheckpoint(db: RocksDBBytesStore): Promise<LocalCheckpoint | undefined> {
  const bytes = await db.getMeta(CHECKPOINT_META_NAME);
  if (bytes === undefined) return undefined;
  try {
    return decodeCheckpoint(bytes);
  } catch {
    return undefined;
  }
}

/** Wipes unless the instance holds nothing at all (a new directory needs no wipe). */
async function wipeUnlessEmpty(
  db: RocksDBBytesStore,
  options: RocksDBOptions,
): Promise<RocksDBBytesStore> {
  const hasMeta = (await db.getMeta(CHECKPOINT_META_NAME)) !== undefined;
  if (!hasMeta) {
    const scan = db.range({ limit: 1 });
    const first = await scan.next();
    await scan.return(undefined);
    if (first.done === true) return db;
  }
  return wipe(db, options);
}

/** Closes, deletes and recreates the instance: nothing of the old state survives. */
async function wipe(db: RocksDBBytesStore, options: RocksDBOptions): Promise<RocksDBBytesStore> {
  await db.close();
  await RocksDBBytesStore.destroy(db.location);
  return RocksDBBytesStore.open(db.location, options);
}
