import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DueIndex } from '../../src/windows/due-index.js';

describe('DueIndex', () => {
  it('returns keys due at or before now, once, in due order', () => {
    const index = new DueIndex();
    index.add(30, 'c');
    index.add(10, 'a');
    index.add(20, 'b');
    index.add(10, 'a2');
    index.add(20, 'a');
    expect(index.nextDueMs).toBe(10);
    expect(index.takeDue(5)).toEqual([]);
    expect(index.takeDue(20)).toEqual(['a', 'a2', 'b']);
    expect(index.nextDueMs).toBe(30);
    expect(index.size).toBe(1);
    expect(index.takeDue(100)).toEqual(['c']);
    expect(index.nextDueMs).toBe(Number.POSITIVE_INFINITY);
  });

  it('behaves like a sorted list (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 9 }))),
        fc.array(fc.integer({ min: 0, max: 60 })),
        (adds, takes) => {
          const index = new DueIndex();
          const model: Array<[number, string]> = [];
          for (const [due, k] of adds) {
            index.add(due, `k${k}`);
            model.push([due, `k${k}`]);
          }
          for (const now of takes) {
            const expected = new Set(model.filter(([due]) => due <= now).map(([, k]) => k));
            const actual = index.takeDue(now);
            expect(new Set(actual)).toEqual(expected);
            expect(actual.length).toBe(expected.size);
            for (let i = model.length - 1; i >= 0; i--) if (model[i]![0] <= now) model.splice(i, 1);
            expect(index.nextDueMs).toBe(
              model.length ? Math.min(...model.map(([d]) => d)) : Infinity,
            );
          }
        },
      ),
    );
  });
});
