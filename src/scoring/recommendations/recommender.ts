// Answers the recommendation queries from the recs stores: trending items (merged across
// tasks), an item's similar items (neighbours ranked by LLR or cosine), and recommend(user):
// neighbours of the user's recent items blended with trending, seen items excluded.

import { ACTIVITY_FLAGS } from './activity-event.js';
import { logScoreValueAt } from './decayed-count.js';
import {
  asItemState,
  asItemsMeta,
  asTopList,
  META_KEY,
  TOP_ALL_KEY,
  topCategoryKey,
  type StoredItemState,
} from './item-state.js';
import { itemSimilarity } from './item-similarity.js';
import { neighbourWeightLowerBound } from './neighbour-counts.js';
import type { RecommendationReader } from './recommendation-reader.js';
import { readRecommenderConfig, type RecommenderConfig } from './recommender-config.js';
import { mergeTopK } from './top-k-list.js';
import { asUserHistory, type HistoryEntry } from './user-history.js';

export interface TrendingItem {
  readonly itemId: string;
  /** Category, '' if unknown. */
  readonly category: string;
  /** Decayed event weight as of `atMs`. */
  readonly score: number;
}

export interface TrendingResult {
  /** Undefined: across all categories. */
  readonly category: string | undefined;
  /** Event time the scores are decayed to: the latest event time seen (epoch ms; 0 if none). */
  readonly atMs: number;
  readonly items: TrendingItem[];
}

export interface SimilarItem {
  readonly itemId: string;
  readonly category: string;
  /** Similarity (see RecommenderConfig.similarity), > 0. */
  readonly score: number;
  /** Weight of pairs item → this one (a lower bound once the neighbour list is full). */
  readonly pairWeight: number;
}

export interface SimilarResult {
  readonly itemId: string;
  /** False when the item has never been seen. */
  readonly known: boolean;
  readonly similarity: RecommenderConfig['similarity'];
  readonly items: SimilarItem[];
}

export interface Recommendation {
  readonly itemId: string;
  readonly category: string;
  /** Blend score in [0, 1]. */
  readonly score: number;
  /** Why, for people: "viewed item-1", "bought item-2", "trending in books", "trending". */
  readonly reason: string;
  /** The user's item this one is a neighbour of, when the reason is one. */
  readonly because?: string;
}

export interface RecommendationResult {
  readonly userId: string;
  /** True when the user has no history: the items are trending ones. */
  readonly coldStart: boolean;
  readonly items: Recommendation[];
}

interface TaskTotals {
  readonly config: RecommenderConfig;
  /** Total pair weight over all tasks read. */
  readonly pairs: number;
  /** Latest event time over all tasks read, epoch ms. */
  readonly refMs: number;
}

interface Candidate {
  neighbour: number;
  trending: number;
  /** Best single neighbour contribution and its seed. */
  best: number;
  seed: HistoryEntry | undefined;
  trendingCategory: string | undefined;
  category: string;
}

/** Categories of the user's history whose trending lists join the blend. */
const TRENDING_CATEGORIES = 3;
/** Recency decay of history items when weighing the user's categories. */
const CATEGORY_RECENCY_DECAY = 0.9;

/**
 * Stateless over a RecommendationReader: every call reads what it needs (the tasks' meta entries
 * for totals and config, then histories and items). `overrides` replace the stored config.
 */
export class Recommender {
  constructor(
    private readonly reader: RecommendationReader,
    private readonly overrides: Partial<RecommenderConfig> = {},
  ) {}

  /** The config in effect: the recs-items node's (as stored), then the overrides. */
  async config(): Promise<RecommenderConfig> {
    return (await this.totals()).config;
  }

  /** The `k` items with the highest decayed counts, overall or in one category. */
  async trending(category: string | undefined, k: number): Promise<TrendingResult> {
    const totals = await this.totals();
    const items = await this.trendingItems(totals, category, k);
    return { category, atMs: totals.refMs, items };
  }

  /** The `k` best neighbours of an item by similarity (only those > 0). */
  async similar(itemId: string, k: number): Promise<SimilarResult> {
    const totals = await this.totals();
    const [raw] = await this.reader.items([itemId]);
    const state = asItemState(raw);
    const similarity = totals.config.similarity;
    if (!state) return { itemId, known: false, similarity, items: [] };
    const scored = await this.scoreNeighbours(state, totals, k);
    return {
      itemId,
      known: true,
      similarity,
      items: scored.map((s) => ({
        itemId: s.itemId,
        category: s.category,
        score: s.score,
        pairWeight: s.pairWeight,
      })),
    };
  }

  /**
   * Up to `k` items for a user: score = (1 − w)·N + w·T with w = trendingWeight, where N sums,
   * over the user's `seeds` most recent items (weights seedDecay^i, normalised to sum 1), each
   * neighbour's similarity divided by the seed's best, and T is the item's trending count
   * relative to the top of the trending list of one of the user's main categories (weighted by
   * how much of the history is in it). Items the user has an excluded event type on are left
   * out. Unknown user (or no history): trending items, `coldStart: true`. Fewer than `k`
   * candidates: filled from overall trending.
   */
  async recommend(userId: string, k: number): Promise<RecommendationResult> {
    const totals = await this.totals();
    const { config } = totals;
    const history = asUserHistory(await this.reader.history(userId));
    const entries = history?.items ?? [];
    if (entries.length === 0) {
      const items = await this.trendingItems(totals, undefined, k);
      return {
        userId,
        coldStart: true,
        items: items.map((t, i) => ({
          itemId: t.itemId,
          category: t.category,
          score: items[0] && items[0].score > 0 ? t.score / items[0].score : 1 / (i + 1),
          reason: 'trending',
        })),
      };
    }
    let mask = 0;
    for (const type of config.exclude) mask |= ACTIVITY_FLAGS[type];
    const excluded = new Set<string>();
    for (const e of entries) if ((e[2] & mask) !== 0) excluded.add(e[0]);

    const candidates = new Map<string, Candidate>();
    const candidate = (id: string, category: string): Candidate => {
      let c = candidates.get(id);
      if (!c) {
        c = {
          neighbour: 0,
          trending: 0,
          best: 0,
          seed: undefined,
          trendingCategory: undefined,
          category,
        };
        candidates.set(id, c);
      }
      if (c.category === '') c.category = category;
      return c;
    };

    // Neighbours of the most recent items.
    const seeds = entries.slice(-config.seeds).reverse();
    const seedStates = (await this.reader.items(seeds.map((s) => s[0]))).map(asItemState);
    let seedWeightSum = 0;
    for (let i = 0; i < seeds.length; i++) seedWeightSum += config.seedDecay ** i;
    const perSeed = await Promise.all(
      seedStates.map((state) =>
        state ? this.scoreNeighbours(state, totals, config.neighboursPerSeed) : Promise.resolve([]),
      ),
    );
    perSeed.forEach((scored, i) => {
      const top = scored[0]?.score ?? 0;
      if (top <= 0) return;
      const weight = config.seedDecay ** i / seedWeightSum;
      for (const s of scored) {
        if (s.itemId === seeds[i]![0] || excluded.has(s.itemId)) continue;
        const c = candidate(s.itemId, s.category);
        const contribution = (weight * s.score) / top;
        c.neighbour += contribution;
        if (contribution > c.best) {
          c.best = contribution;
          c.seed = seeds[i];
        }
      }
    });

    // Trending in the user's main categories.
    const affinity = new Map<string, number>();
    let w = 1;
    let affinitySum = 0;
    for (let i = entries.length - 1; i >= 0; i--) {
      const category = entries[i]![4];
      if (category !== '') {
        affinity.set(category, (affinity.get(category) ?? 0) + w);
        affinitySum += w;
      }
      w *= CATEGORY_RECENCY_DECAY;
    }
    const main = [...affinity].sort((a, b) => b[1] - a[1]).slice(0, TRENDING_CATEGORIES);
    const lists = await Promise.all(
      main.map(([category]) => this.trendingItems(totals, category, Math.max(k, 20), false)),
    );
    main.forEach(([category, weight], i) => {
      const list = lists[i]!;
      const top = list[0]?.score ?? 0;
      if (top <= 0) return;
      for (const t of list) {
        if (excluded.has(t.itemId)) continue;
        const c = candidate(t.itemId, category);
        const share = ((weight / affinitySum) * t.score) / top;
        c.trending += share;
        if (c.trendingCategory === undefined) c.trendingCategory = category;
      }
    });

    const tw = config.trendingWeight;
    const ranked = [...candidates]
      .map(([itemId, c]) => ({ itemId, c, score: (1 - tw) * c.neighbour + tw * c.trending }))
      .filter((r) => r.score > 0)
      .sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : 1))
      .slice(0, k);
    const items: Recommendation[] = ranked.map(({ itemId, c, score }) => {
      const fromSeed = (1 - tw) * c.neighbour >= tw * c.trending && c.seed !== undefined;
      return fromSeed
        ? { itemId, category: c.category, score, reason: seedReason(c.seed!), because: c.seed![0] }
        : {
            itemId,
            category: c.category,
            score,
            reason: `trending in ${c.trendingCategory ?? c.category}`,
          };
    });
    if (items.length < k) {
      const taken = new Set(items.map((i) => i.itemId));
      for (const t of await this.trendingItems(
        totals,
        undefined,
        k + excluded.size + items.length,
      )) {
        if (items.length >= k) break;
        if (taken.has(t.itemId) || excluded.has(t.itemId)) continue;
        items.push({ itemId: t.itemId, category: t.category, score: 0, reason: 'trending' });
      }
    }
    return { userId, coldStart: false, items };
  }

  private async totals(): Promise<TaskTotals> {
    const metas = (await this.reader.itemTaskValues(META_KEY))
      .map(asItemsMeta)
      .filter((m) => m !== undefined);
    const stored = readRecommenderConfig(metas[0]?.config);
    let pairs = 0;
    let refMs = 0;
    for (const m of metas) {
      pairs += m.pairs;
      if (m.refMs > refMs) refMs = m.refMs;
    }
    return { config: { ...stored, ...this.overrides }, pairs, refMs };
  }

  private async trendingItems(
    totals: TaskTotals,
    category: string | undefined,
    k: number,
    withCategories = true,
  ): Promise<TrendingItem[]> {
    const key = category === undefined ? TOP_ALL_KEY : topCategoryKey(category);
    const lists = (await this.reader.itemTaskValues(key)).map(asTopList);
    const merged = mergeTopK(lists, k);
    const { halfLifeMs } = totals.config;
    let categories: string[];
    if (category !== undefined) categories = merged.map(() => category);
    else if (!withCategories) categories = merged.map(() => '');
    else {
      const states = await this.reader.items(merged.map(([id]) => id));
      categories = states.map((s) => asItemState(s)?.c ?? '');
    }
    return merged.map(([itemId, logScore], i) => ({
      itemId,
      category: categories[i] ?? '',
      score: logScoreValueAt(logScore, totals.refMs, halfLifeMs),
    }));
  }

  /** The item's neighbour candidates scored and sorted, at most `k`, scores > 0. */
  private async scoreNeighbours(
    state: StoredItemState,
    totals: TaskTotals,
    k: number,
  ): Promise<Array<SimilarItem & { itemId: string }>> {
    const ids = state.n.map((n) => n[0]);
    const others = (await this.reader.items(ids)).map(asItemState);
    const scored: SimilarItem[] = [];
    state.n.forEach((counter, i) => {
      const other = others[i];
      const pair = neighbourWeightLowerBound(counter);
      const score = itemSimilarity(totals.config.similarity, {
        pair,
        antecedent: state.o,
        consequent: other?.i ?? pair,
        total: totals.pairs,
      });
      if (score > 0) {
        scored.push({ itemId: counter[0], category: other?.c ?? '', score, pairWeight: pair });
      }
    });
    scored.sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : 1));
    return scored.slice(0, k);
  }
}

function seedReason(seed: HistoryEntry): string {
  const flags = seed[2];
  if ((flags & ACTIVITY_FLAGS.purchase) !== 0) return `bought ${seed[0]}`;
  if ((flags & ACTIVITY_FLAGS.add_to_cart) !== 0) return `added ${seed[0]} to cart`;
  return `viewed ${seed[0]}`;
}
