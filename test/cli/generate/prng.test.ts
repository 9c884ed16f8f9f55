import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/cli/generate/prng.js';

describe('Prng', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const xs = Array.from({ length: 100 }, () => a.nextUint32());
    expect(Array.from({ length: 100 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it('matches the xoshiro128** reference outputs for state (1, 2, 3, 4)', () => {
    const p = Prng.fromState(1, 2, 3, 4);
    const outputs = Array.from({ length: 6 }, () => p.nextUint32());
    expect(outputs).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('pins the first outputs of seed 1, so demo data never changes by accident', () => {
    const p = new Prng(1);
    // Seeding feeds every data set: change this only on purpose (and say so in the changelog).
    expect([p.nextUint32(), p.nextUint32(), p.nextUint32()]).toEqual([
      2221900172, 1715759251, 1453389540,
    ]);
  });

  it('forks independent named streams without disturbing the parent', () => {
    const parent = new Prng(7);
    const x = parent.fork('x');
    const y = parent.fork('y');
    expect(x.nextUint32()).not.toBe(y.nextUint32());
    const again = new Prng(7);
    again.fork('x');
    expect(again.nextUint32()).toBe(parent.nextUint32());
  });

  it('keeps int bounds inclusive and floats in [0, 1)', () => {
    const p = new Prng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const n = p.int(3, 8);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(8);
      seen.add(n);
      const f = p.next();
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7, 8]);
  });

  it('draws normal, exponential and geometric deviates with the right moments', () => {
    const p = new Prng(11);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    let expSum = 0;
    let geoSum = 0;
    let hits = 0;
    for (let i = 0; i < n; i++) {
      const z = p.normal();
      sum += z;
      sumSq += z * z;
      expSum += p.exponential(5);
      geoSum += p.geometric(0.25);
      if (p.chance(0.3)) hits++;
    }
    expect(sum / n).toBeCloseTo(0, 1);
    expect(sumSq / n).toBeCloseTo(1, 1);
    expect(expSum / n).toBeGreaterThan(4.9);
    expect(expSum / n).toBeLessThan(5.1);
    expect(geoSum / n).toBeGreaterThan(2.9); // mean failures (1 - p) / p = 3
    expect(geoSum / n).toBeLessThan(3.1);
    expect(hits / n).toBeCloseTo(0.3, 2);
  });
});
