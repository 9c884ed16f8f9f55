// How the recommender ranks at query time. The recs-items node writes its configured values
// into its store (see ItemsMeta) so that the API, which never reads job files, uses them.

import { ACTIVITY_TYPES, type ActivityType } from './activity-event.js';
import { SIMILARITY_MEASURES, type SimilarityMeasure } from './item-similarity.js';

export interface RecommenderConfig {
  /** How an item's neighbour candidates are scored. */
  readonly similarity: SimilarityMeasure;
  /** Half-life of trending counts (ms): how fast an event's weight fades with event time. */
  readonly halfLifeMs: number;
  /** A user's items with any of these event types are never recommended to them. */
  readonly exclude: readonly ActivityType[];
  /** How many of the user's most recent items seed the neighbour search. */
  readonly seeds: number;
  /** The i-th most recent seed (from 0) weighs seedDecay^i. */
  readonly seedDecay: number;
  /** Neighbours taken per seed (the best by similarity). */
  readonly neighboursPerSeed: number;
  /** Share of trending in the blend, in [0, 1]: score = (1 − w)·neighbours + w·trending. */
  readonly trendingWeight: number;
}

export const DEFAULT_RECOMMENDER_CONFIG: RecommenderConfig = {
  similarity: 'llr',
  halfLifeMs: 3_600_000,
  exclude: ['purchase'],
  seeds: 5,
  seedDecay: 0.25,
  neighboursPerSeed: 20,
  trendingWeight: 0.35,
};

/** The config a stored value describes, with defaults for whatever is missing or invalid. */
export function readRecommenderConfig(value: unknown): RecommenderConfig {
  const d = DEFAULT_RECOMMENDER_CONFIG;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return d;
  const v = value as Record<string, unknown>;
  const num = (x: unknown, ok: (n: number) => boolean, fallback: number): number =>
    typeof x === 'number' && ok(x) ? x : fallback;
  const similarity = (SIMILARITY_MEASURES as readonly unknown[]).includes(v['similarity'])
    ? (v['similarity'] as SimilarityMeasure)
    : d.similarity;
  const exclude = Array.isArray(v['exclude'])
    ? ACTIVITY_TYPES.filter((t) => (v['exclude'] as unknown[]).includes(t))
    : d.exclude;
  return {
    similarity,
    halfLifeMs: num(v['halfLifeMs'], (n) => n > 0, d.halfLifeMs),
    exclude,
    seeds: num(v['seeds'], (n) => Number.isInteger(n) && n >= 1, d.seeds),
    seedDecay: num(v['seedDecay'], (n) => n > 0 && n <= 1, d.seedDecay),
    neighboursPerSeed: num(
      v['neighboursPerSeed'],
      (n) => Number.isInteger(n) && n >= 1,
      d.neighboursPerSeed,
    ),
    trendingWeight: num(v['trendingWeight'], (n) => n >= 0 && n <= 1, d.trendingWeight),
  };
}
