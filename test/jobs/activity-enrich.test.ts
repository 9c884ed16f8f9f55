// jobs/activity-enrich.yaml run end to end on the broker-free TestDriver: known events are
// enriched and written with their key, unknown types dropped, bad records dead-lettered.

import { describe, expect, it } from 'vitest';
import { loadJobFiles } from '../../src/jobs/job-loader.js';
import { buildTopology } from '../../src/jobs/topology-builder.js';
import { TestDriver } from '../../src/runtime/test-driver.js';

async function driver(): Promise<TestDriver> {
  const { jobs, problems } = await loadJobFiles(['jobs/activity-enrich.yaml']);
  expect(problems).toEqual([]);
  return new TestDriver(buildTopology(jobs[0]!.spec));
}

const event = (over: Record<string, unknown>) => ({
  event_id: 'e1',
  user_id: 'u1',
  session_id: 's1',
  item_id: 'i1',
  category: 'Books',
  event_type: 'view',
  ts: 1_700_000_000_000,
  ...over,
});

describe('activity-enrich', () => {
  it('enriches views, carts and purchases; drops other event types', async () => {
    const d = await driver();
    await d.pipe('user-activity', [
      { key: 'u1', value: event({}), timestampMs: 1 },
      { key: 'u1', value: event({ event_type: 'add_to_cart', price: 12.5 }), timestampMs: 2 },
      {
        key: 'u2',
        value: event({ user_id: 'u2', event_type: 'purchase', price: 19.99 }),
        timestampMs: 3,
      },
      {
        key: 'u2',
        value: event({ user_id: 'u2', event_type: 'purchase', price: null }),
        timestampMs: 4,
      },
      { key: 'u3', value: event({ event_type: 'wishlist' }), timestampMs: 5 },
    ]);
    const out = d.outputs('activity-enriched');
    expect(out.map((o) => o.key)).toEqual(['u1', 'u1', 'u2', 'u2']);
    const pick = (v: unknown) => {
      const { is_purchase, price_cents, revenue, weight, category } = v as Record<string, unknown>;
      return { is_purchase, price_cents, revenue, weight, category };
    };
    expect(out.map((o) => pick(o.value))).toEqual([
      { is_purchase: false, price_cents: null, revenue: 0, weight: 1, category: 'books' },
      { is_purchase: false, price_cents: 1250, revenue: 0, weight: 3, category: 'books' },
      { is_purchase: true, price_cents: 1999, revenue: 19.99, weight: 5, category: 'books' },
      { is_purchase: true, price_cents: null, revenue: 0, weight: 5, category: 'books' },
    ]);
    expect((out[0]!.value as Record<string, unknown>)['event_id']).toBe('e1');
    expect(d.deadLetters()).toEqual([]);
  });

  it('dead-letters a record that breaks the event contract instead of dropping it', async () => {
    const d = await driver();
    const { event_type: _, ...withoutType } = event({});
    await d.pipe('user-activity', [{ key: 'u1', value: withoutType, timestampMs: 1 }]);
    expect(d.outputs('activity-enriched')).toEqual([]);
    const letters = d.deadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0]!.headers).toMatchObject({
      'sluice-error-code': 'FIELD_MISSING',
      'sluice-node': 'decode',
      'sluice-job': 'activity-enrich',
    });
    expect(letters[0]!.headers['sluice-error-message']).toContain('event_type');
  });

  it('dead-letters a field of the wrong type', async () => {
    const d = await driver();
    await d.pipe('user-activity', [
      { key: 'u1', value: { ...event({}), price: 'abc' }, timestampMs: 1 },
    ]);
    expect(d.outputs('activity-enriched')).toEqual([]);
    expect(d.deadLetters()[0]!.headers['sluice-error-code']).toBe('FIELD_TYPE');
  });
});
