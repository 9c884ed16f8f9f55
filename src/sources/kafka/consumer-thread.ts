// The consumer thread of a ConsumerThreadSource: runs the job's kafkajs consumer (KafkaSource)
// off the main thread and packs each fetched batch into one transferable message. kafkajs'
// response decoding and its per-record objects stay on this thread's heap; the main thread gets
// typed arrays and one buffer per batch.

import type { EachBatchPayload } from 'kafkajs';
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../core/errors.js';
import { RoomWaiters } from '../../core/room-waiters.js';
import type {
  ConsumerThreadData,
  FromConsumerThread,
  ToConsumerThread,
} from './consumer-thread-protocol.js';
import { BatchPoster } from './batch-poster.js';
import { encodeFetchedBatch, transferList, type FetchedBatchMessage } from './fetched-batch.js';
import { fetchedOffsetOf, KafkaSource } from './kafka-source.js';

const port = parentPort!;
const data = workerData as ConsumerThreadData;

let source: KafkaSource | undefined;
/**
 * The latest batch's payload: heartbeats go through it. Only one, not KafkaSource.controlFor's
 * one per partition: holding four kafkajs batches alive on this thread cost ~1 CPU s per
 * benchmark run (6.6-7.0 against 5.4-5.8 s in 3 of 4 alternated pairs).
 */
let latestPayload: EachBatchPayload | undefined;
let seeksApplied = 0;
/** Fetched and not yet taken by the main thread (held here or posted), estimated bytes. */
let aheadBytes = 0;
/** Posts packed batches while the main thread has room for them; holds the rest. */
const poster = new BatchPoster(data.maxPostedBytes, (group) =>
  post(
    { type: 'batches', batches: group.batches, seeksApplied: group.seeksApplied },
    group.batches.flatMap(transferList),
  ),
);
const room = new RoomWaiters();
let stopping = false;
/** Batches packed in this turn of the event loop, posted together (see flush). */
let packed: FetchedBatchMessage[] = [];

function post(message: FromConsumerThread, transfer?: ArrayBuffer[]): void {
  port.postMessage(message, transfer);
}

async function eachBatch(payload: EachBatchPayload): Promise<void> {
  latestPayload = payload;
  const { batch } = payload;
  const message = encodeFetchedBatch(batch, fetchedOffsetOf(batch), batch.lastOffset());
  aheadBytes += message.bytes;
  if (packed.length === 0) setImmediate(flush);
  packed.push(message);
  // Too much fetched that the main thread has not taken: wait (heartbeating, as a long
  // restore on the main thread can hold it up).
  if (aheadBytes > data.maxAheadBytes) flush();
  await room.waitWhile(
    () => aheadBytes > data.maxAheadBytes && !stopping,
    () => payload.heartbeat(),
  );
}

/**
 * Makes the batches packed so far one group, to post in one message. kafkajs hands over a fetch
 * response's batches one partition after another within one turn; arriving together, they are
 * all queued before the runner chooses what to process (the oldest record across partitions).
 * One at a time, the first partition's whole batch could run ahead of the others and make their
 * records late.
 */
function flush(): void {
  if (packed.length === 0) return;
  const batches = packed;
  packed = [];
  poster.add(batches, seeksApplied);
}

function onMessage(message: ToConsumerThread): void {
  switch (message.type) {
    case 'run':
      source!
        .runBatches(
          {
            onAssignment: (assignment) => post({ type: 'assignment', assignment }),
            onCrash: (error, restarting) =>
              post({ type: 'crash', message: error.message, restarting }),
          },
          eachBatch,
        )
        .then(
          () => post({ type: 'running' }),
          (err: unknown) => post({ type: 'failed', message: errorMessage(err) }),
        );
      break;
    case 'taken':
      aheadBytes -= message.bytes;
      poster.taken(message.bytes);
      if (aheadBytes <= data.maxAheadBytes) room.wakeAll();
      break;
    case 'seek':
      // Batches packed before the seek go out counted as such (stale if they are obsolete).
      flush();
      seeksApplied++;
      try {
        source!.seek(message.topic, message.partition, message.offset);
      } catch (err) {
        post({ type: 'crash', message: `seek failed: ${errorMessage(err)}`, restarting: true });
      }
      break;
    case 'commit':
      void source!.commit(message.offsets).then((ok) => {
        post({ type: 'committed', id: message.id, ok });
      });
      break;
    case 'heartbeat':
      void latestPayload?.heartbeat().catch(() => undefined);
      break;
    case 'stop':
      stopping = true;
      room.wakeAll();
      void (source?.stop() ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => post({ type: 'stopped' }));
      break;
  }
}

port.on('message', onMessage);
KafkaSource.connect(data.source).then(
  (connected) => {
    source = connected;
    post({ type: 'connected' });
  },
  (err: unknown) => post({ type: 'failed', message: errorMessage(err) }),
);
