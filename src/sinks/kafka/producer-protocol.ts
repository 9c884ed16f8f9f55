// Messages between KafkaTopicSink (the job's thread) and its producer thread.

export interface ProducerThreadOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly idempotent: boolean;
  /** Frames waiting while a request is in flight are combined up to this many bytes. */
  readonly maxRequestBytes: number;
}

/** Job thread → producer thread. */
export type ToProducer =
  | {
      readonly type: 'frame';
      readonly seq: number;
      readonly buffer: ArrayBuffer;
      readonly topics: readonly string[];
    }
  | { readonly type: 'close' };

/** Producer thread → job thread. Frames are acknowledged (or failed) in order, up to `upTo`. */
export type FromProducer =
  | { readonly type: 'ready' }
  | { readonly type: 'connect-failed'; readonly message: string }
  | {
      readonly type: 'acked';
      readonly upTo: number;
      readonly counts: ReadonlyArray<readonly [string, number]>;
    }
  | { readonly type: 'failed'; readonly upTo: number; readonly message: string }
  | { readonly type: 'closed' };
