// Offline evaluation of recommendations: ranking metrics (hit-rate@k, NDCG@k), the held-out
// "next viewed item" cases of an activity stream, and two baselines computed from the training
// events alone — global popularity and an item-kNN over consecutive views in sessions.

/** One `user-activity` event, as the evaluation needs it. */
export interface EvaluationEvent {
  readonly userId: string;
  readonly itemId: string;
  readonly sessionId: string;
  readonly category: string;
  readonly type: string;
  /** Event time, epoch ms. */
  readonly tsMs: number;
}

/** One held-out case: the item the user actually viewed next, and what was recommended. */
export interface RankingCase {
  readonly relevant: string;
  /** Best first. */
  readonly ranked: readonly string[];
}

/** Share of cases whose relevant item is among the first `k` ranked, in [0, 1] (0 if no cases). */
export function hitRateAtK(cases: readonly RankingCase[], k: number): number {
  if (cases.length === 0) return 0;
  let hits = 0;
  for (const c of cases) {
    const rank = c.ranked.indexOf(c.relevant);
    if (rank >= 0 && rank < k) hits++;
  }
  return hits / cases.length;
}

/**
 * Mean NDCG@k with one relevant item per case: 1 / log2(rank + 2) for a 0-based rank below
 * `k`, else 0 (the ideal DCG is 1). In [0, 1]; a hit at the top counts 1, at rank 1 0.631.
 */
export function ndcgAtK(cases: readonly RankingCase[], k: number): number {
  if (cases.length === 0) return 0;
  let sum = 0;
  for (const c of cases) {
    const rank = c.ranked.indexOf(c.relevant);
    if (rank >= 0 && rank < k) sum += 1 / Math.log2(rank + 2);
  }
  return sum / cases.length;
}

/** A user and the item they viewed next after the training events. */
export interface NextViewCase {
  readonly userId: string;
  readonly itemId: string;
  /** True when that view is in the session of the user's last training event. */
  readonly sameSession: boolean;
}

/**
 * For each user with at least one training event, their first view among the test events
 * (in stream order). Users seen only in the test events are left out (they are cold starts).
 */
export function nextViewCases(
  training: readonly EvaluationEvent[],
  test: readonly EvaluationEvent[],
): NextViewCase[] {
  const lastSession = new Map<string, string>();
  for (const e of training) lastSession.set(e.userId, e.sessionId);
  const done = new Set<string>();
  const cases: NextViewCase[] = [];
  for (const e of test) {
    const session = lastSession.get(e.userId);
    if (e.type !== 'view' || session === undefined || done.has(e.userId)) continue;
    done.add(e.userId);
    cases.push({ userId: e.userId, itemId: e.itemId, sameSession: session === e.sessionId });
  }
  return cases;
}

/** The `k` most viewed items of the events, most viewed first (ties in id order). */
export function popularItems(events: readonly EvaluationEvent[], k: number): string[] {
  const views = new Map<string, number>();
  for (const e of events)
    if (e.type === 'view') views.set(e.itemId, (views.get(e.itemId) ?? 0) + 1);
  return [...views]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, k)
    .map(([id]) => id);
}

/**
 * Item-kNN from consecutive views in sessions (the classic offline baseline): c(a, b) counts how
 * often b was viewed right after a, or a after b, in one session; similarity is cosine,
 * c(a, b) / √(views(a) · views(b)). A user is recommended the items most similar to the last
 * item they viewed, excluding that item.
 */
export class OfflineItemKnn {
  private readonly pairs = new Map<string, Map<string, number>>();
  private readonly views = new Map<string, number>();
  private readonly lastView = new Map<string, string>();

  constructor(training: readonly EvaluationEvent[]) {
    const previous = new Map<string, { sessionId: string; itemId: string }>();
    for (const e of training) {
      if (e.type !== 'view') continue;
      this.views.set(e.itemId, (this.views.get(e.itemId) ?? 0) + 1);
      this.lastView.set(e.userId, e.itemId);
      const prev = previous.get(e.userId);
      if (prev && prev.sessionId === e.sessionId && prev.itemId !== e.itemId) {
        this.count(prev.itemId, e.itemId);
        this.count(e.itemId, prev.itemId);
      }
      previous.set(e.userId, { sessionId: e.sessionId, itemId: e.itemId });
    }
  }

  /** The `k` items most similar to `itemId`, best first. */
  similar(itemId: string, k: number): string[] {
    const row = this.pairs.get(itemId);
    if (!row) return [];
    const own = this.views.get(itemId) ?? 1;
    return [...row]
      .map(([other, c]): [string, number] => [
        other,
        c / Math.sqrt(own * (this.views.get(other) ?? 1)),
      ])
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, k)
      .map(([id]) => id);
  }

  /** The `k` items most similar to the user's last viewed item ([] for an unknown user). */
  recommend(userId: string, k: number): string[] {
    const last = this.lastView.get(userId);
    return last === undefined ? [] : this.similar(last, k);
  }

  private count(a: string, b: string): void {
    let row = this.pairs.get(a);
    if (!row) this.pairs.set(a, (row = new Map<string, number>()));
    row.set(b, (row.get(b) ?? 0) + 1);
  }
}
