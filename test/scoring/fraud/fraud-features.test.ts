// Each fraud feature against values worked out by hand: amount z-scores, geo-velocity,
// velocity windows, new device/merchant/country/card and card testing.
import { describe, expect, it } from 'vitest';
import {
  learnPayment,
  newAccountState,
  rememberPayment,
  type AccountState,
} from '../../../src/scoring/fraud/account-state.js';
import {
  FraudFeatureExtractor,
  fraudFeatureNames,
  velocityNeeds,
} from '../../../src/scoring/fraud/fraud-features.js';
import type { FraudTransaction } from '../../../src/scoring/fraud/fraud-transaction.js';
import { FEATURE_OPTIONS, LIMITS, T0, payment } from './fraud-test-data.js';

const extractor = new FraudFeatureExtractor(FEATURE_OPTIONS);

/** A state that learned and remembered these payments, in order. */
function stateOf(payments: readonly FraudTransaction[]): AccountState {
  const state = newAccountState();
  for (const p of payments) {
    learnPayment(state, p, LIMITS);
    rememberPayment(state, p, LIMITS);
  }
  return state;
}

describe('amount features', () => {
  const history = [10, 20, 30].map((amount, i) =>
    payment({ amount, timestampMs: T0 - 3_000_000 + i * 1000 }),
  );

  it('z-score: (50 − mean 20) / sample stddev 10 = 3 once warm', () => {
    const f = extractor.compute(stateOf(history), payment({ amount: 50 }));
    expect(f['txn_count']).toBe(3);
    expect(f['warm']).toBe(true);
    expect(f['amount_mean']).toBe(20);
    expect(f['amount_stddev']).toBe(10);
    expect(f['amount_z']).toBe(3);
    expect(f['amount_ratio']).toBe(2.5);
  });

  it('z-scores are 0 during the warm-up', () => {
    const f = extractor.compute(stateOf(history.slice(0, 2)), payment({ amount: 500 }));
    expect(f['warm']).toBe(false);
    expect(f['amount_z']).toBe(0);
    expect(f['amount_log_z']).toBe(0);
    expect(f['amount_lognormal_z']).toBe(0);
    // Mean of 10 and 20 is 15: the ratio does not wait for the warm-up.
    expect(f['amount_ratio']).toBeCloseTo(500 / 15, 12);
  });

  it('log z-score: ln amounts 1, 2, 3 (mean 2, variance 1); e^5 → 3 / √(1 + 1/3)', () => {
    const logHistory = [1, 2, 3].map((l, i) =>
      payment({ amount: Math.exp(l), timestampMs: T0 - 10_000 + i }),
    );
    const f = extractor.compute(stateOf(logHistory), payment({ amount: Math.exp(5) }));
    expect(f['amount_log_z']).toBeCloseTo(2.598076, 5);
    // Lognormal habit: mean e^(2 + 1/2) = 12.1825, stddev 12.1825·√(e − 1) = 15.9692.
    expect(f['amount_lognormal_z']).toBeCloseTo((Math.exp(5) - 12.182494) / 15.969209, 4);
    expect(f['amount_lognormal_z']).toBeCloseTo(8.530834, 4);
  });

  it('log z-score with a prior: spread 2 worth 2 payments → variance (2·4 + 2) / 4 = 2.5', () => {
    const withPrior = new FraudFeatureExtractor({
      ...FEATURE_OPTIONS,
      priorLogStdDev: 2,
      priorWeight: 2,
    });
    const logHistory = [1, 2, 3].map((l, i) =>
      payment({ amount: Math.exp(l), timestampMs: T0 - 10_000 + i }),
    );
    const f = withPrior.compute(stateOf(logHistory), payment({ amount: Math.exp(5) }));
    expect(f['amount_log_z']).toBeCloseTo(3 / Math.sqrt(2.5 * (4 / 3)), 9);
    expect(f['amount_log_z']).toBeCloseTo(1.643168, 5);
    expect(f['amount_lognormal_z']).toBeCloseTo(1.421821, 5);
  });

  it('small_amount is inclusive of cardTesting.smallAmount', () => {
    expect(extractor.compute(newAccountState(), payment({ amount: 2 }))['small_amount']).toBe(true);
    expect(extractor.compute(newAccountState(), payment({ amount: 2.01 }))['small_amount']).toBe(
      false,
    );
  });
});

describe('geo-velocity', () => {
  // The last learned payment at (0, 0); 1° of longitude further is 111.195 km.
  const last = [payment({ lat: 0, lon: 0, timestampMs: T0 })];

  it('111.195 km in 10 minutes is 667.17 km/h: fast but possible', () => {
    const f = extractor.compute(
      stateOf(last),
      payment({ lat: 0, lon: 1, timestampMs: T0 + 600_000 }),
    );
    expect(f['distance_km']).toBeCloseTo(111.19508, 4);
    expect(f['elapsed_s']).toBe(600);
    expect(f['speed_kmh']).toBeCloseTo(667.17048, 4);
    expect(f['impossible_travel']).toBe(false);
  });

  it('the same in 5 minutes is 1334.34 km/h: impossible travel', () => {
    const f = extractor.compute(
      stateOf(last),
      payment({ lat: 0, lon: 1, timestampMs: T0 + 300_000 }),
    );
    expect(f['speed_kmh']).toBeCloseTo(1334.34096, 4);
    expect(f['impossible_travel']).toBe(true);
  });

  it('short hops are never impossible, however fast (minDistanceKm)', () => {
    // 0.1° = 11.1 km in 1 s: 40,000 km/h, but under the 100 km minimum.
    const f = extractor.compute(
      stateOf(last),
      payment({ lat: 0, lon: 0.1, timestampMs: T0 + 1000 }),
    );
    expect(f['speed_kmh']).toBeCloseTo(40_030.2, 0);
    expect(f['impossible_travel']).toBe(false);
  });

  it('an earlier event time counts as elapsed time too; simultaneous payments count as 1 s', () => {
    const before = extractor.compute(
      stateOf(last),
      payment({ lat: 0, lon: 1, timestampMs: T0 - 600_000 }),
    );
    expect(before['elapsed_s']).toBe(600);
    const same = extractor.compute(stateOf(last), payment({ lat: 0, lon: 1, timestampMs: T0 }));
    expect(same['speed_kmh']).toBeCloseTo(111.19508 * 3600, 1);
  });

  it('is 0 without a learned payment', () => {
    const f = extractor.compute(newAccountState(), payment());
    expect(f['distance_km']).toBe(0);
    expect(f['speed_kmh']).toBe(0);
    expect(f['impossible_travel']).toBe(false);
  });
});

describe('velocity windows', () => {
  // Before "now" (T0): 2 h ago (outside both windows), 30 min ago, 50 s ago, 10 s ago.
  const recent = [
    payment({ amount: 1000, timestampMs: T0 - 7_200_000, merchantId: 'm0', country: 'BE' }),
    payment({ amount: 5, timestampMs: T0 - 1_800_000, merchantId: 'm1', country: 'DE' }),
    payment({ amount: 7, timestampMs: T0 - 50_000, cardId: 'c2', merchantId: 'm2' }),
    payment({ amount: 11, timestampMs: T0 - 10_000, merchantId: 'm2' }),
  ];

  it('counts per card and per account, the payment itself included', () => {
    const f = extractor.compute(stateOf(recent), payment({ amount: 3, merchantId: 'm3' }));
    // 1m: 10 s (c1, m2) and 50 s (c2, m2) ago, plus this one (c1, m3).
    expect(f['account_count_1m']).toBe(3);
    expect(f['account_sum_1m']).toBe(3 + 11 + 7);
    expect(f['account_merchants_1m']).toBe(2);
    expect(f['account_countries_1m']).toBe(1);
    expect(f['card_count_1m']).toBe(2);
    expect(f['card_sum_1m']).toBe(3 + 11);
    expect(f['card_merchants_1m']).toBe(2);
    // 1h adds 30 min ago (c1, m1, DE); 2 h ago is out.
    expect(f['account_count_1h']).toBe(4);
    expect(f['account_sum_1h']).toBe(3 + 11 + 7 + 5);
    expect(f['account_merchants_1h']).toBe(3);
    expect(f['account_countries_1h']).toBe(2);
    expect(f['card_count_1h']).toBe(3);
    expect(f['card_sum_1h']).toBe(3 + 11 + 5);
    expect(f['card_countries_1h']).toBe(2);
  });

  it('a window is (now − size, now]: a payment exactly one window old is out', () => {
    const edge = [payment({ timestampMs: T0 - 60_000 }), payment({ timestampMs: T0 - 59_999 })];
    const f = extractor.compute(stateOf(edge), payment());
    expect(f['card_count_1m']).toBe(2);
  });

  it('the recent list drops what is older than the longest window and keeps at most maxRecent', () => {
    const state = stateOf(recent);
    // The 2 h old payment fell out when the later ones were remembered.
    expect(state.recent.map((r) => r[0])).toEqual([T0 - 1_800_000, T0 - 50_000, T0 - 10_000]);
    const capped = newAccountState();
    const limits = { ...LIMITS, maxRecent: 3 };
    for (let i = 0; i < 5; i++) rememberPayment(capped, payment({ timestampMs: T0 + i }), limits);
    expect(capped.recent.map((r) => r[0])).toEqual([T0 + 2, T0 + 3, T0 + 4]);
    expect(capped.scored).toBe(5);
  });
});

describe('new device, merchant, country, card', () => {
  const state = stateOf([payment()]);

  it('are false for what the profile learned, true otherwise', () => {
    const known = extractor.compute(state, payment());
    expect([
      known['new_device'],
      known['new_merchant'],
      known['new_country'],
      known['new_card'],
    ]).toEqual([false, false, false, false]);
    const unknown = extractor.compute(
      state,
      payment({ deviceId: 'd9', merchantId: 'm9', country: 'FR', cardId: 'c9' }),
    );
    expect([
      unknown['new_device'],
      unknown['new_merchant'],
      unknown['new_country'],
      unknown['new_card'],
    ]).toEqual([true, true, true, true]);
  });

  it('only learned payments count: a remembered one is still new', () => {
    const s = newAccountState();
    rememberPayment(s, payment({ deviceId: 'fraudster' }), LIMITS);
    expect(extractor.compute(s, payment({ deviceId: 'fraudster' }))['new_device']).toBe(true);
  });
});

describe('card testing', () => {
  // Small payments on c1 at 200 s, 100 s and 50 s before now, one on c2.
  const probes = [
    payment({ amount: 1, timestampMs: T0 - 200_000 }),
    payment({ amount: 1.5, timestampMs: T0 - 100_000 }),
    payment({ amount: 0.5, timestampMs: T0 - 50_000, cardId: 'c2' }),
    payment({ amount: 2, timestampMs: T0 - 50_000 }),
  ];

  it('three small payments on the card within 5 minutes, then 300: card testing', () => {
    const f = extractor.compute(stateOf(probes), payment({ amount: 300 }));
    expect(f['card_small_count']).toBe(3);
    expect(f['card_testing']).toBe(true);
  });

  it('not below the large amount, not on another card, not with a shorter window', () => {
    expect(extractor.compute(stateOf(probes), payment({ amount: 99.99 }))['card_testing']).toBe(
      false,
    );
    expect(
      extractor.compute(stateOf(probes), payment({ amount: 300, cardId: 'c2' }))[
        'card_small_count'
      ],
    ).toBe(1);
    const short = new FraudFeatureExtractor({
      ...FEATURE_OPTIONS,
      cardTesting: { ...FEATURE_OPTIONS.cardTesting, windowMs: 120_000 },
    });
    const f = short.compute(stateOf(probes), payment({ amount: 300 }));
    expect(f['card_small_count']).toBe(2);
    expect(f['card_testing']).toBe(false);
  });
});

describe('feature names', () => {
  it('lists every feature compute sets, with one set per window', () => {
    const names = fraudFeatureNames(FEATURE_OPTIONS.windows);
    const f = extractor.compute(newAccountState(), payment());
    expect(Object.keys(f).sort()).toEqual([...names].sort());
    expect(names).toContain('card_countries_1h');
    expect(names).not.toContain('card_count_<w>');
  });
});

describe('velocity needs', () => {
  const recent = [
    payment({ amount: 5, timestampMs: T0 - 30_000, merchantId: 'm1', country: 'DE' }),
    payment({ amount: 7, timestampMs: T0 - 20_000, cardId: 'c2', merchantId: 'm2' }),
  ];

  it('reads which measures rules need from the names they read', () => {
    const windows = FEATURE_OPTIONS.windows;
    expect(velocityNeeds(['amount', 'new_device', 'card_small_count'], windows)).toEqual({
      sums: false,
      merchants: false,
      countries: false,
    });
    expect(velocityNeeds(['account_countries_1h'], windows)).toEqual({
      sums: false,
      merchants: false,
      countries: true,
    });
    expect(velocityNeeds(['card_sum_1m', 'card_merchants_1h'], windows)).toEqual({
      sums: true,
      merchants: true,
      countries: false,
    });
    // Not a window of these options: not a velocity feature.
    expect(velocityNeeds(['card_count_5m'], windows).sums).toBe(false);
  });

  it('computes only the measures asked for, with the same values', () => {
    const all = extractor.compute(stateOf(recent), payment());
    const f = extractor.compute(
      stateOf(recent),
      payment(),
      {},
      {
        sums: false,
        merchants: false,
        countries: true,
      },
    );
    expect(f['account_countries_1m']).toBe(2);
    expect(f['account_countries_1m']).toBe(all['account_countries_1m']);
    expect(f['card_countries_1h']).toBe(all['card_countries_1h']);
    expect(f['card_count_1m']).toBeUndefined();
    expect(f['account_merchants_1h']).toBeUndefined();
    expect(f['amount_mean']).toBe(all['amount_mean']);
  });

  it('latestVelocity: as of a payment already in the recent list', () => {
    const state = stateOf([...recent, payment({ amount: 11, timestampMs: T0, merchantId: 'm3' })]);
    const f = extractor.latestVelocity(state, 'c1', T0);
    expect(f['card_count_1m']).toBe(2);
    expect(f['card_sum_1m']).toBe(16);
    expect(f['account_count_1m']).toBe(3);
    expect(f['account_merchants_1m']).toBe(3);
    expect(f['account_countries_1h']).toBe(2);
  });
});
