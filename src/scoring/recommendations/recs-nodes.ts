// Builds the topology nodes of the two recommendation node kinds, recs-history and recs-items,
// from their job-file parameters (the shapes of RecsHistoryNodeSpec / RecsItemsNodeSpec in
// src/jobs/job-spec.ts), filling in defaults and parsing durations.

import type { Topology, TopologyNode } from '../../core/topology.js';
import { parseDurationMs } from '../../windows/duration.js';
import type { ActivityType } from './activity-event.js';
import {
  DEFAULT_EVENT_WEIGHTS,
  ItemStatsProcessor,
  type ItemStatsProcessorOptions,
} from './item-stats-processor.js';
import type { SimilarityMeasure } from './item-similarity.js';
import type { RecommendationStores } from './query-backend-reader.js';
import { DEFAULT_RECOMMENDER_CONFIG } from './recommender-config.js';
import { DEFAULT_USER_HISTORY_OPTIONS } from './user-history.js';
import {
  UserHistoryProcessor,
  type UserHistoryProcessorOptions,
} from './user-history-processor.js';

type Duration = number | string;

/** The job-file parameters of a recs-history node. */
export interface RecsHistoryParams {
  readonly name: string;
  readonly maxItems?: number;
  readonly pairWindow?: Duration;
  readonly maxPairs?: number;
  readonly pairDecay?: number;
  readonly sessionGap?: Duration;
  readonly sameSession?: boolean;
  readonly store?: { readonly name?: string };
}

/** The job-file parameters of a recs-items node. */
export interface RecsItemsParams {
  readonly name: string;
  readonly neighbours?: number;
  readonly trending?: {
    readonly halfLife?: Duration;
    readonly topK?: number;
    readonly maxCategories?: number;
    readonly weights?: Partial<Record<ActivityType, number>>;
  };
  readonly recommend?: {
    readonly similarity?: SimilarityMeasure;
    readonly exclude?: readonly ActivityType[];
    readonly seeds?: number;
    readonly seedDecay?: number;
    readonly neighboursPerSeed?: number;
    readonly trendingWeight?: number;
  };
  readonly store?: { readonly name?: string };
}

export const DEFAULT_ITEM_NEIGHBOURS = 50;
export const DEFAULT_TRENDING_TOP_K = 100;
export const DEFAULT_TRENDING_MAX_CATEGORIES = 200;

/** Resolved options of a recs-history node (defaults filled in, durations in ms). */
export function userHistoryOptions(params: RecsHistoryParams): UserHistoryProcessorOptions {
  const d = DEFAULT_USER_HISTORY_OPTIONS;
  return {
    storeName: params.store?.name ?? params.name,
    maxItems: params.maxItems ?? d.maxItems,
    pairWindowMs:
      params.pairWindow === undefined ? d.pairWindowMs : parseDurationMs(params.pairWindow),
    maxPairs: params.maxPairs ?? d.maxPairs,
    pairDecay: params.pairDecay ?? d.pairDecay,
    sessionGapMs:
      params.sessionGap === undefined ? d.sessionGapMs : parseDurationMs(params.sessionGap),
    sameSession: params.sameSession ?? d.sameSession,
  };
}

/** Resolved options of a recs-items node. */
export function itemStatsOptions(params: RecsItemsParams): ItemStatsProcessorOptions {
  const d = DEFAULT_RECOMMENDER_CONFIG;
  const r = params.recommend ?? {};
  const t = params.trending ?? {};
  return {
    storeName: params.store?.name ?? params.name,
    neighbours: params.neighbours ?? DEFAULT_ITEM_NEIGHBOURS,
    halfLifeMs: t.halfLife === undefined ? d.halfLifeMs : parseDurationMs(t.halfLife),
    topK: t.topK ?? DEFAULT_TRENDING_TOP_K,
    maxCategories: t.maxCategories ?? DEFAULT_TRENDING_MAX_CATEGORIES,
    eventWeights: { ...DEFAULT_EVENT_WEIGHTS, ...t.weights },
    recommend: {
      similarity: r.similarity ?? d.similarity,
      exclude: [...(r.exclude ?? d.exclude)],
      seeds: r.seeds ?? d.seeds,
      seedDecay: r.seedDecay ?? d.seedDecay,
      neighboursPerSeed: r.neighboursPerSeed ?? d.neighboursPerSeed,
      trendingWeight: r.trendingWeight ?? d.trendingWeight,
    },
  };
}

/** The recs-history node: per-user history; forwards item events and pairs. */
export function recsHistoryNode(params: RecsHistoryParams): TopologyNode {
  const options = userHistoryOptions(params);
  // Built once here to validate the options and read the store it declares.
  const stores = new UserHistoryProcessor(options).stores();
  return {
    name: params.name,
    kind: 'recs-history',
    create: () => new UserHistoryProcessor(options),
    stores,
    outputTopics: [],
  };
}

/** The recs-items node: per-item neighbours, counts and trending. */
export function recsItemsNode(params: RecsItemsParams): TopologyNode {
  const options = itemStatsOptions(params);
  const stores = new ItemStatsProcessor(options).stores();
  return {
    name: params.name,
    kind: 'recs-items',
    create: () => new ItemStatsProcessor(options),
    stores,
    outputTopics: [],
  };
}

/**
 * The stores of the first job with both a recs-history and a recs-items node, for the
 * recommendation API; undefined when no job has them.
 */
export function findRecommendationStores(
  topologies: readonly Topology[],
): RecommendationStores | undefined {
  for (const topology of topologies) {
    const nodes = topology.subtopologies.flatMap((s) => s.nodes);
    const history = nodes.find((n) => n.kind === 'recs-history')?.stores[0]?.name;
    const items = nodes.find((n) => n.kind === 'recs-items')?.stores[0]?.name;
    if (history !== undefined && items !== undefined) return { history, items };
  }
  return undefined;
}
