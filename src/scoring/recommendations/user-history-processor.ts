// The recs-history node (records keyed by user_id): keeps each user's recent history in a
// queryable store and forwards, per event, an item event record and the view's co-occurrence
// pair records — for a key-by on item_id that feeds the recs-items node.

import { SluiceError } from '../../core/errors.js';
import type { Processor, ProcessorContext, StoreDeclaration } from '../../core/processor.js';
import type { StreamRecord } from '../../core/record.js';
import type { KeyValueStore } from '../../core/store.js';
import { readActivityEvent } from './activity-event.js';
import { itemEventValue, pairRecordValue } from './pair-record.js';
import {
  emptyUserHistory,
  recordActivity,
  type StoredUserHistory,
  type UserHistoryOptions,
} from './user-history.js';

export interface UserHistoryProcessorOptions extends UserHistoryOptions {
  readonly storeName: string;
}

/** Checks the options a job file can get wrong; throws JOB_INVALID naming the field. */
function validate(o: UserHistoryProcessorOptions): void {
  const fail = (field: string, message: string): never => {
    throw new SluiceError('JOB_INVALID', `${field} ${message}`, { context: { field } });
  };
  if (!Number.isSafeInteger(o.maxItems) || o.maxItems < 1) fail('maxItems', 'must be ≥ 1');
  if (!Number.isSafeInteger(o.maxPairs) || o.maxPairs < 0) fail('maxPairs', 'must be ≥ 0');
  if (!(o.pairDecay > 0 && o.pairDecay <= 1)) fail('pairDecay', 'must be in (0, 1]');
  if (!(o.pairWindowMs >= 0)) fail('pairWindow', 'must be ≥ 0');
  if (!(o.sessionGapMs > 0)) fail('sessionGap', 'must be > 0');
}

/**
 * Per record (key = user id; value: a `user-activity` event, see readActivityEvent):
 * updates the user's StoredUserHistory, then forwards one item event record
 * (`itemEventValue`) and, for a view, one pair record per earlier item (`pairRecordValue`,
 * at most `maxPairs`). Forwarded records keep the input's event time, headers and origin.
 * A record without a key or the activity fields is dead-lettered (FIELD_MISSING, FIELD_TYPE).
 */
export class UserHistoryProcessor implements Processor {
  readonly stateId: string;
  private store: KeyValueStore<StoredUserHistory> | undefined;

  constructor(private readonly options: UserHistoryProcessorOptions) {
    validate(options);
    const o = options;
    this.stateId =
      `recs-history.v1(items=${o.maxItems},window=${o.pairWindowMs},pairs=${o.maxPairs},` +
      `decay=${o.pairDecay},gap=${o.sessionGapMs},session=${o.sameSession})`;
  }

  stores(): readonly StoreDeclaration[] {
    return [
      { name: this.options.storeName, kind: 'key-value', stateId: this.stateId, queryable: true },
    ];
  }

  init(ctx: ProcessorContext): void {
    this.store = ctx.getStore<KeyValueStore<StoredUserHistory>>(this.options.storeName);
  }

  prepareBatch(keys: readonly string[]): Promise<void> {
    return this.requireStore().prefetch(keys);
  }

  process(record: StreamRecord, ctx: ProcessorContext): void {
    const user = record.key;
    if (user === null) {
      ctx.deadLetter(
        record,
        new SluiceError('FIELD_MISSING', 'recs-history needs records keyed by user id', {
          context: { node: ctx.node },
        }),
      );
      return;
    }
    const event = readActivityEvent(record.value);
    if (event instanceof SluiceError) {
      ctx.deadLetter(record, event);
      return;
    }
    const store = this.requireStore();
    const history = store.get(user) ?? emptyUserHistory();
    const pairs = recordActivity(history, event, record.timestampMs, this.options);
    store.put(user, history);
    let inWeight = 0;
    for (const pair of pairs) inWeight += pair.weight;
    ctx.forward({ ...record, value: itemEventValue(event, inWeight) });
    for (const pair of pairs) {
      ctx.forward({
        ...record,
        value: pairRecordValue(pair.antecedent, event.itemId, pair.weight),
      });
    }
  }

  private requireStore(): KeyValueStore<StoredUserHistory> {
    if (!this.store) throw new SluiceError('INTERNAL', 'recs-history used before init');
    return this.store;
  }
}
