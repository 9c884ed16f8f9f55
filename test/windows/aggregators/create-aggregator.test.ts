import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../../src/core/errors.js';
import {
  AGGREGATION_FUNCTIONS,
  createAggregator,
} from '../../../src/windows/aggregators/create-aggregator.js';

describe('createAggregator', () => {
  it('builds every aggregation function, each with its own stateId and a merge', () => {
    const ids = AGGREGATION_FUNCTIONS.map((fn) => {
      const aggregator = createAggregator(fn);
      expect(typeof aggregator.merge).toBe('function');
      return aggregator.stateId;
    });
    expect(new Set(ids).size).toBe(AGGREGATION_FUNCTIONS.length);
  });

  it('passes k and limit through', () => {
    expect(createAggregator('top-k', { k: 3 }).stateId).toBe('top-k.v1(k=3,capacity=100)');
    expect(createAggregator('distinct-count', { limit: 50 }).stateId).toBe(
      'distinct-count.v1(limit=50,p=12)',
    );
  });

  it('throws JOB_INVALID for unknown names and bad parameters', () => {
    expect(() => createAggregator('median')).toThrow(SluiceError);
    expect(() => createAggregator('median')).toThrow(/unknown aggregation/);
    try {
      createAggregator('top-k', { k: -1 });
      expect.unreachable();
    } catch (err) {
      expect((err as SluiceError).code).toBe('JOB_INVALID');
    }
  });
});
