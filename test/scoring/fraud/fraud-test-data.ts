// Shared test data for the fraud scorer tests: payments with defaults, and the options used.
// Not a test file itself.

import type { AccountStateLimits } from '../../../src/scoring/fraud/account-state.js';
import type { FraudFeatureOptions } from '../../../src/scoring/fraud/fraud-features.js';
import type { FraudTransaction } from '../../../src/scoring/fraud/fraud-transaction.js';

/** Event time of "now" in the tests, epoch ms. */
export const T0 = 1_700_000_000_000;

export const FEATURE_OPTIONS: FraudFeatureOptions = {
  windows: [
    { name: '1m', sizeMs: 60_000 },
    { name: '1h', sizeMs: 3_600_000 },
  ],
  warmup: 3,
  priorLogStdDev: 1,
  priorWeight: 0,
  minTravelKm: 100,
  impossibleSpeedKmh: 900,
  cardTesting: { windowMs: 300_000, smallAmount: 2, largeAmount: 100, minSmall: 3 },
};

export const LIMITS: AccountStateLimits = {
  maxDevices: 4,
  maxMerchants: 4,
  maxCountries: 4,
  maxCards: 4,
  maxRecent: 50,
  recentRetentionMs: 3_600_000,
  smallRetentionMs: 300_000,
  smallAmount: 2,
  learnClampLogStdDevs: 0,
  warmup: 3,
};

/** A payment of account A on card c1 at home (Amsterdam), overridable field by field. */
export function payment(overrides: Partial<FraudTransaction> = {}): FraudTransaction {
  return {
    txnId: 't',
    accountId: 'acct-A',
    cardId: 'c1',
    amount: 20,
    merchantId: 'm1',
    deviceId: 'd1',
    lat: 52.37,
    lon: 4.9,
    country: 'NL',
    timestampMs: T0,
    ...overrides,
  };
}
