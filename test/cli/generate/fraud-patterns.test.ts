import { describe, expect, it } from 'vitest';
import { distanceKm } from '../../../src/cli/generate/cities.js';
import { FRAUD_SHAPES, FraudPatterns } from '../../../src/cli/generate/fraud-patterns.js';
import { Prng } from '../../../src/cli/generate/prng.js';
import { TransactionModel } from '../../../src/cli/generate/transaction-model.js';

const model = new TransactionModel(new Prng(8), { accounts: 200, runTag: 'f' });
const fraud = new FraudPatterns(new Prng(99), model, 'f');
const devicesInUse = new Set(model.accounts.flatMap((a) => a.devices));

describe('FraudPatterns', () => {
  it('card_testing: 3-8 tiny payments at new merchants within two minutes, then a large one', () => {
    for (let i = 0; i < 300; i++) {
      const account = model.accounts[i % model.accounts.length]!;
      const plan = fraud.plan('card_testing', account, 1_000_000);
      const probes = plan.slice(0, -1).map((p) => p.txn);
      const cashOut = plan.at(-1)!.txn;
      expect(probes.length).toBeGreaterThanOrEqual(3);
      expect(probes.length).toBeLessThanOrEqual(8);
      for (const t of probes) {
        expect(t.amount).toBeLessThan(2);
        expect(t.amount).toBeGreaterThanOrEqual(0.5);
      }
      expect(cashOut.amount).toBeGreaterThanOrEqual(FRAUD_SHAPES.cardTesting.cashOutAmount[0]);
      const merchants = plan.map(
        (p) => model.merchants.find((m) => m.id === p.txn.merchant_id)!.index,
      );
      for (const m of merchants) expect(account.usualMerchants).not.toContain(m);
      expect(new Set(merchants).size).toBe(merchants.length);
      expect(new Set(plan.map((p) => p.txn.card_id)).size).toBe(1);
      expect(account.cards).toContain(cashOut.card_id);
      const ts = plan.map((p) => p.txn.ts);
      expect(ts).toEqual([...ts].sort((a, b) => a - b));
      expect(probes.at(-1)!.ts - probes[0]!.ts).toBeLessThanOrEqual(2 * 60_000);
      expect(cashOut.ts - probes.at(-1)!.ts).toBeLessThanOrEqual(30_000);
      expect(new Set(plan.map((p) => p.incidentId)).size).toBe(1);
      expect(plan.every((p) => p.pattern === 'card_testing')).toBe(true);
    }
  });

  it('account_takeover: a new device, another country over 1000 km away, larger amounts', () => {
    for (let i = 0; i < 300; i++) {
      const account = model.accounts[i % model.accounts.length]!;
      const plan = fraud.plan('account_takeover', account, 5_000);
      expect(plan.length).toBeGreaterThanOrEqual(2);
      expect(plan.length).toBeLessThanOrEqual(5);
      const home = model.homeCity(account);
      for (const { txn } of plan) {
        expect(devicesInUse.has(txn.device_id)).toBe(false);
        expect(txn.country).not.toBe(home.country);
        expect(distanceKm(txn.lat, txn.lon, account.homeLat, account.homeLon)).toBeGreaterThan(900);
        expect(txn.amount).toBeGreaterThanOrEqual(
          Math.floor(3 * model.habitMean(account) * 100) / 100,
        );
        expect(txn.account_id).toBe(account.id);
      }
      expect(new Set(plan.map((p) => p.txn.device_id)).size).toBe(1);
    }
  });

  it('spending_spike: a usual merchant and device at home, amount at least 8 stddevs above habit', () => {
    for (const account of model.accounts) {
      const [spike, ...rest] = fraud.plan('spending_spike', account, 5_000);
      expect(rest).toHaveLength(0);
      const txn = spike!.txn;
      const merchant = model.merchants.find((m) => m.id === txn.merchant_id)!;
      expect(account.usualMerchants).toContain(merchant.index);
      expect(account.devices).toContain(txn.device_id);
      expect(txn.country).toBe(model.homeCity(account).country);
      const z = (txn.amount - model.habitMean(account)) / model.habitStdDev(account);
      expect(z).toBeGreaterThanOrEqual(7.99);
      expect(z).toBeLessThanOrEqual(15.01);
    }
  });

  it('turns a fraud rate into an incident probability per normal payment', () => {
    const mean = FraudPatterns.meanTransactionsPerIncident();
    expect(mean).toBeCloseTo((6.5 + 3.5 + 1) / 3, 10);
    const q = FraudPatterns.incidentProbability(0.01);
    expect((q * mean) / (1 + q * mean)).toBeCloseTo(0.01, 10);
    expect(FraudPatterns.incidentProbability(0)).toBe(0);
  });
});
