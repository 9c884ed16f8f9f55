// Messages between a ConsumerThreadSource (main thread) and its consumer thread.

import type { FetchedBatchMessage } from './fetched-batch.js';
import type { KafkaSourceOptions, TopicPartitionOffset } from './kafka-source.js';

export interface ConsumerThreadData {
  readonly source: KafkaSourceOptions;
  /**
   * Estimated bytes (SourceBatch.bytes) the thread may hand over before the main thread has
   * taken them: past this it waits, as a consumer waits for room in the runner's queue.
   */
  readonly maxAheadBytes: number;
  /**
   * Of those, how many the thread posts before the main thread has taken them; it holds the
   * rest. Batches waiting on this thread cost the main thread nothing; waiting there, they
   * outlive young collections, and their buffers start full collections (see the job runner).
   */
  readonly maxPostedBytes: number;
}

export type ToConsumerThread =
  | { readonly type: 'run' }
  /** The main thread took a batch in (its handler returned): `bytes` are no longer ahead. */
  | { readonly type: 'taken'; readonly bytes: number }
  | {
      readonly type: 'seek';
      readonly topic: string;
      readonly partition: number;
      readonly offset: string;
    }
  | { readonly type: 'commit'; readonly id: number; readonly offsets: TopicPartitionOffset[] }
  | { readonly type: 'heartbeat' }
  | { readonly type: 'stop' };

export type FromConsumerThread =
  | { readonly type: 'connected' }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'running' }
  | {
      /** The batches of one fetch response (or what of it was packed before a wait for room). */
      readonly type: 'batches';
      readonly batches: readonly FetchedBatchMessage[];
      /** Seeks the thread had applied when it posted the batches (they are numbered in order). */
      readonly seeksApplied: number;
    }
  | { readonly type: 'assignment'; readonly assignment: Record<string, number[]> }
  | { readonly type: 'crash'; readonly message: string; readonly restarting: boolean }
  | { readonly type: 'committed'; readonly id: number; readonly ok: boolean }
  | { readonly type: 'stopped' };
