// Scores one item-to-item neighbour from co-occurrence counts: Dunning's log-likelihood ratio
// or cosine. Read by the recommender when it ranks an item's stored neighbour candidates.

import { isPositivelyAssociated, logLikelihoodRatio } from './log-likelihood-ratio.js';

/** `llr`: Dunning's G² (positive association only); `cosine`: pair / √(antecedent · consequent). */
export type SimilarityMeasure = 'llr' | 'cosine';
export const SIMILARITY_MEASURES: readonly SimilarityMeasure[] = ['llr', 'cosine'];

/**
 * Co-occurrence counts of the directed pair A → B ("B viewed after A"), all as (possibly
 * fractional) pair weights: `pair` of A → B, `antecedent` of A → anything, `consequent` of
 * anything → B, `total` of all pairs.
 */
export interface PairCounts {
  readonly pair: number;
  readonly antecedent: number;
  readonly consequent: number;
  readonly total: number;
}

/**
 * Similarity of B to A, ≥ 0, larger = more related. LLR is 0 for pairs seen less often than
 * independence predicts. Counts are clamped so that the table stays consistent when the
 * marginals lag the pair count (they are updated in different tasks).
 */
export function itemSimilarity(measure: SimilarityMeasure, counts: PairCounts): number {
  const pair = Math.max(0, counts.pair);
  if (pair === 0) return 0;
  const antecedent = Math.max(pair, counts.antecedent);
  const consequent = Math.max(pair, counts.consequent);
  if (measure === 'cosine') return pair / Math.sqrt(antecedent * consequent);
  const total = Math.max(antecedent + consequent - pair, counts.total);
  const k12 = antecedent - pair;
  const k21 = consequent - pair;
  const k22 = total - antecedent - consequent + pair;
  if (!isPositivelyAssociated(pair, k12, k21, k22)) return 0;
  return logLikelihoodRatio(pair, k12, k21, k22);
}
