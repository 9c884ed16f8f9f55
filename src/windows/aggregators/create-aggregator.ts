// Builds an aggregator from a job file's `fn` and parameters — the one place the registry maps
// aggregation names to code.

import { SluiceError } from '../../core/errors.js';
import type { Aggregator } from './aggregator.js';
import { avgAggregator } from './avg.js';
import { countAggregator } from './count.js';
import { distinctCountAggregator } from './distinct-count.js';
import { firstAggregator, lastAggregator } from './first-last.js';
import { maxAggregator, minAggregator } from './min-max.js';
import { sumAggregator } from './sum.js';
import { topKAggregator } from './top-k.js';
import { stddevAggregator, varianceAggregator } from './variance.js';

/** Aggregation function names, as in a job file's `fn` (same list as AggregationFunction). */
export const AGGREGATION_FUNCTIONS = [
  'count',
  'sum',
  'min',
  'max',
  'avg',
  'variance',
  'stddev',
  'distinct-count',
  'top-k',
  'first',
  'last',
] as const;

export type AggregationFunctionName = (typeof AGGREGATION_FUNCTIONS)[number];

export interface AggregatorParams {
  /** top-k: how many values. */
  k?: number;
  /** distinct-count: exact up to this many distinct values, then HyperLogLog. */
  limit?: number;
}

/** The aggregator for `fn`; throws JOB_INVALID for an unknown name or bad parameters. */
export function createAggregator(fn: string, params: AggregatorParams = {}): Aggregator {
  try {
    switch (fn as AggregationFunctionName) {
      case 'count':
        return countAggregator();
      case 'sum':
        return sumAggregator();
      case 'min':
        return minAggregator();
      case 'max':
        return maxAggregator();
      case 'avg':
        return avgAggregator();
      case 'variance':
        return varianceAggregator();
      case 'stddev':
        return stddevAggregator();
      case 'distinct-count':
        return distinctCountAggregator(params.limit === undefined ? {} : { limit: params.limit });
      case 'top-k':
        return topKAggregator(params.k === undefined ? {} : { k: params.k });
      case 'first':
        return firstAggregator();
      case 'last':
        return lastAggregator();
    }
  } catch (err) {
    throw new SluiceError('JOB_INVALID', `aggregation ${fn}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  throw new SluiceError(
    'JOB_INVALID',
    `unknown aggregation ${JSON.stringify(fn)} (one of ${AGGREGATION_FUNCTIONS.join(', ')})`,
  );
}
