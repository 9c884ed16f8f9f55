import { describe, expect, it } from 'vitest';
import { BatchPoster, type BatchGroup } from '../../src/sources/kafka/batch-poster.js';
import type { FetchedBatchMessage } from '../../src/sources/kafka/fetched-batch.js';

/** A stand-in batch: only its partition and estimated bytes matter here. */
function batch(partition: number, bytes: number): FetchedBatchMessage {
  return { partition, bytes } as FetchedBatchMessage;
}

function started(maxPostedBytes: number): { poster: BatchPoster; posted: BatchGroup[] } {
  const posted: BatchGroup[] = [];
  return { poster: new BatchPoster(maxPostedBytes, (g) => posted.push(g)), posted };
}

const partitions = (groups: BatchGroup[]): number[][] =>
  groups.map((g) => g.batches.map((b) => b.partition));

describe('BatchPoster', () => {
  it('posts while less than the bound is posted, then holds groups until some are taken', () => {
    const { poster, posted } = started(100);
    poster.add([batch(0, 30), batch(1, 30)], 0);
    poster.add([batch(2, 30)], 0);
    expect(partitions(posted)).toEqual([[0, 1], [2]]);
    expect(poster.posted).toBe(90);
    poster.add([batch(3, 30)], 0); // 90 < 100: still posted
    poster.add([batch(0, 30)], 0);
    poster.add([batch(1, 30)], 0);
    expect(partitions(posted)).toEqual([[0, 1], [2], [3]]);
    expect(poster.heldGroups).toBe(2);
    poster.taken(30); // 90 posted: one more group goes, which brings it to 120
    expect(partitions(posted)).toEqual([[0, 1], [2], [3], [0]]);
    expect(poster.heldGroups).toBe(1);
    poster.taken(30);
    expect(partitions(posted)).toEqual([[0, 1], [2], [3], [0], [1]]);
    expect(poster.heldGroups).toBe(0);
    expect(poster.posted).toBe(120);
  });

  it('posts a group larger than the bound when nothing is posted (never stalls)', () => {
    const { poster, posted } = started(10);
    poster.add([batch(0, 50)], 0);
    poster.add([batch(1, 5)], 0);
    expect(partitions(posted)).toEqual([[0]]);
    poster.taken(50);
    expect(partitions(posted)).toEqual([[0], [1]]);
  });

  it('keeps with each group the seeks applied when it was packed, not when posted', () => {
    const { poster, posted } = started(10);
    poster.add([batch(0, 10)], 0);
    poster.add([batch(0, 10)], 0); // held, packed before seek 1
    poster.add([batch(0, 10)], 1);
    poster.taken(10);
    poster.taken(10);
    expect(posted.map((g) => g.seeksApplied)).toEqual([0, 0, 1]);
    expect(posted.map((g) => g.bytes)).toEqual([10, 10, 10]);
  });

  it('ignores an empty group', () => {
    const { poster, posted } = started(10);
    poster.add([], 0);
    expect(posted).toEqual([]);
    expect(poster.heldGroups).toBe(0);
  });
});
