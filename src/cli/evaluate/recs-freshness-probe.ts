// Freshness of the recommendations job: how long after a user's new view event is produced their
// GET /recommendations answer changes. Each trial takes one user's list, produces a view of an
// item with neighbours that are not in it yet, and polls the API until the list differs.

import type { RecommendationsClient } from './recommendations-client.js';

export interface FreshnessItem {
  readonly itemId: string;
  readonly category: string;
}

export interface FreshnessProbeOptions {
  readonly client: RecommendationsClient;
  /** Produces one `user-activity` message (key user_id); resolves when the broker has it. */
  readonly send: (key: string, value: Buffer, timestampMs: number) => Promise<void>;
  /** Users with history in the job, one per trial (trials stop when they run out). */
  readonly userIds: readonly string[];
  /** Items to view, best candidates first (e.g. the most viewed ones). */
  readonly items: readonly FreshnessItem[];
  readonly trials: number;
  /** Event time of the first probe view, epoch ms (later trials add 1 ms each). */
  readonly eventTimeMs: number;
  /** A trial whose list has not changed after this long counts as unchanged, ms. */
  readonly timeoutMs?: number;
  /** Pause between polls, ms. */
  readonly pollMs?: number;
}

export interface FreshnessResult {
  /** Produce (before the send) → first answer with a different list, ms, one per changed trial. */
  readonly samplesMs: number[];
  /** Trials whose list never changed within the timeout. */
  readonly unchanged: number;
  /** Trials skipped because no item with fresh neighbours was found for the user. */
  readonly skipped: number;
}

const K = 10;

/** Runs the trials one after another (never two views in flight at once). */
export async function measureRecsFreshness(
  options: FreshnessProbeOptions,
): Promise<FreshnessResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pollMs = options.pollMs ?? 2;
  const samplesMs: number[] = [];
  let unchanged = 0;
  let skipped = 0;
  const neighbours = new Map<string, string[]>();
  const neighboursOf = async (itemId: string): Promise<string[]> => {
    let list = neighbours.get(itemId);
    if (list === undefined)
      neighbours.set(itemId, (list = await options.client.similar(itemId, K)));
    return list;
  };
  let trial = 0;
  for (const userId of options.userIds) {
    if (trial >= options.trials) break;
    const before = (await options.client.recommend(userId, K)).items;
    const item = await pickItem(options.items, before, neighboursOf);
    if (item === undefined) {
      skipped++;
      continue;
    }
    const tsMs = options.eventTimeMs + trial;
    const event = {
      event_id: `freshness-${tsMs}-${trial}`,
      user_id: userId,
      session_id: `freshness-${userId}-${trial}`,
      item_id: item.itemId,
      category: item.category,
      event_type: 'view',
      ts: tsMs,
    };
    trial++;
    const startedMs = performance.now();
    await options.send(userId, Buffer.from(JSON.stringify(event)), tsMs);
    const sameAsBefore = (items: readonly string[]): boolean =>
      items.length === before.length && items.every((id, i) => id === before[i]);
    let changed = false;
    while (performance.now() - startedMs < timeoutMs) {
      const now = await options.client.recommend(userId, K);
      if (!sameAsBefore(now.items)) {
        samplesMs.push(performance.now() - startedMs);
        changed = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    if (!changed) unchanged++;
  }
  return { samplesMs, unchanged, skipped };
}

/** The first item not in the list whose neighbours mostly are not in it either. */
async function pickItem(
  items: readonly FreshnessItem[],
  before: readonly string[],
  neighboursOf: (itemId: string) => Promise<string[]>,
): Promise<FreshnessItem | undefined> {
  const shown = new Set(before);
  for (const item of items) {
    if (shown.has(item.itemId)) continue;
    const fresh = (await neighboursOf(item.itemId)).filter((id) => !shown.has(id));
    if (fresh.length >= K / 2) return item;
  }
  return undefined;
}
