// A store's commit point: the input offsets its state includes. Written at each commit into the
// RocksDB batch (meta entry) and into the changelog as a marker record, so both a local reopen
// and a restore from the changelog resume from exactly the offsets the state reflects.

/** What one commit of a store records. */
export interface StoreCheckpoint {
  /** Commit number of this store, counting from 1; informational (logs, status). */
  readonly seq: number;
  /** The store's value format (StoreDeclaration.stateId); other formats are never reused. */
  readonly stateId: string;
  /** Next input offset to process, per source key the runtime chose (e.g. topic), decimal strings. */
  readonly inputOffsets: Readonly<Record<string, string>>;
}

/** The local copy adds where in the changelog this state stands. */
export interface LocalCheckpoint extends StoreCheckpoint {
  /**
   * A changelog offset at or before the end of this commit's marker (decimal string). Replaying
   * the changelog from here onto this state is harmless (records are whole values), so a lower
   * bound is enough; null when there is no changelog.
   */
  readonly changelogPosition: string | null;
}

/**
 * Key of marker records in the changelog. Starts with byte 0xFF, which never occurs in UTF-8, so
 * no store key collides with it and compaction keeps only the latest marker.
 */
export const CHECKPOINT_MARKER_KEY = Buffer.concat([
  Buffer.from([0xff]),
  Buffer.from('sluice-checkpoint'),
]);

/** Name of the RocksDB meta entry holding the LocalCheckpoint. */
export const CHECKPOINT_META_NAME = 'checkpoint';

export function isCheckpointMarker(key: Buffer | null): boolean {
  return key !== null && key.equals(CHECKPOINT_MARKER_KEY);
}

export function encodeCheckpoint(checkpoint: StoreCheckpoint | LocalCheckpoint): Buffer {
  return Buffer.from(JSON.stringify(checkpoint));
}

/** Parses a marker value or meta entry; throws on anything that is not a checkpoint. */
export function decodeCheckpoint(bytes: Buffer): LocalCheckpoint {
  const parsed: unknown = JSON.parse(bytes.toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null) throw new Error('checkpoint is not an object');
  const o = parsed as Record<string, unknown>;
  const offsets = o['inputOffsets'];
  if (
    typeof o['seq'] !== 'number' ||
    typeof o['stateId'] !== 'string' ||
    typeof offsets !== 'object' ||
    offsets === null ||
    Object.values(offsets).some((v) => typeof v !== 'string')
  ) {
    throw new Error('checkpoint lacks seq, stateId or inputOffsets');
  }
  const position = o['changelogPosition'];
  return {
    seq: o['seq'],
    stateId: o['stateId'],
    inputOffsets: offsets as Record<string, string>,
    changelogPosition: typeof position === 'string' ? position : null,
  };
}
