import { describe, expect, it } from 'vitest';
import { MemoryKeyValueStore } from '../../../src/state/memory/memory-key-value-store.js';

describe('MemoryKeyValueStore', () => {
  it('gets, puts and deletes without prefetching', async () => {
    const store = new MemoryKeyValueStore<{ n: number }>('s');
    expect(store.get('a')).toBeUndefined();
    store.put('a', { n: 1 });
    store.put('b', { n: 2 });
    store.delete('b');
    await store.prefetch(['x', 'y']);
    expect(store.get('x')).toBeUndefined();
    expect(store.get('a')).toEqual({ n: 1 });
    expect(store.size).toBe(1);
    const entries: Array<[string, { n: number }]> = [];
    for await (const entry of store.entries()) entries.push(entry);
    expect(entries).toEqual([['a', { n: 1 }]]);
  });

  it('holds references by default and JSON copies with copyValues', () => {
    const shared = new MemoryKeyValueStore<{ n: number }>('s');
    const value = { n: 1 };
    shared.put('a', value);
    value.n = 2;
    expect(shared.get('a')).toEqual({ n: 2 });

    const copying = new MemoryKeyValueStore<{ n: number }>('s', { copyValues: true });
    const v2 = { n: 1 };
    copying.put('a', v2);
    v2.n = 2;
    copying.get('a')!.n = 3;
    expect(copying.get('a')).toEqual({ n: 1 });
  });

  it('iterates a snapshot, so deleting while iterating is safe', async () => {
    const store = new MemoryKeyValueStore<number>('s');
    for (let i = 0; i < 5; i++) store.put(`k${i}`, i);
    const seen: string[] = [];
    for await (const [key] of store.entries()) {
      seen.push(key);
      store.delete(key);
    }
    expect(seen).toHaveLength(5);
    expect(store.size).toBe(0);
  });

  it('serves the read-only view in UTF-8 key order with ranges and limits', async () => {
    const store = new MemoryKeyValueStore<number>('s');
    for (const key of ['b', '\u{1F600}', 'a', '\uFF5E', 'c']) store.put(key, key.length);
    const view = store.readOnly();
    expect(view.name).toBe('s');
    expect(await view.get('a')).toBe(1);
    expect((await view.range({ limit: 10 })).map(([k]) => k)).toEqual([
      'a',
      'b',
      'c',
      '\uFF5E',
      '\u{1F600}',
    ]);
    expect(
      (await view.range({ fromKey: 'b', toKey: '\uFF5E', limit: 10 })).map(([k]) => k),
    ).toEqual(['b', 'c']);
    expect((await view.range({ fromKey: 'b', limit: 2 })).map(([k]) => k)).toEqual(['b', 'c']);
    expect(await view.approximateNumEntries()).toBe(5);
  });
});
