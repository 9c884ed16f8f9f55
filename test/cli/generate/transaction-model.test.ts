import { describe, expect, it } from 'vitest';
import { CITIES, distanceKm } from '../../../src/cli/generate/cities.js';
import { Prng } from '../../../src/cli/generate/prng.js';
import {
  TransactionModel,
  type TransactionEvent,
} from '../../../src/cli/generate/transaction-model.js';

describe('TransactionModel', () => {
  const model = new TransactionModel(new Prng(4), { accounts: 300, runTag: 'r' });
  const txns: TransactionEvent[] = Array.from({ length: 60_000 }, (_, i) =>
    model.normalTransaction(i),
  );
  const accountById = new Map(model.accounts.map((a) => [a.id, a]));

  it('gives accounts one or two cards and devices, a home city and usual merchants', () => {
    const cardOwners = new Map<string, string>();
    for (const a of model.accounts) {
      expect(a.id).toMatch(/^acct-\d{5}$/);
      expect([1, 2]).toContain(a.cards.length);
      expect([1, 2]).toContain(a.devices.length);
      expect(a.usualMerchants.length).toBeGreaterThanOrEqual(5);
      expect(new Set(a.usualMerchants).size).toBe(a.usualMerchants.length);
      const city = CITIES[a.city]!;
      expect(distanceKm(a.homeLat, a.homeLon, city.lat, city.lon)).toBeLessThan(40);
      for (const card of a.cards) {
        expect(cardOwners.has(card)).toBe(false);
        cardOwners.set(card, a.id);
      }
    }
    expect(new Set(model.accounts.map((a) => a.cards.length))).toEqual(new Set([1, 2]));
  });

  it('makes normal payments that follow the account habits with small noise', () => {
    const merchantById = new Map(model.merchants.map((m) => [m.id, m]));
    const problems: string[] = [];
    const check = (ok: boolean, what: string, t: TransactionEvent): void => {
      if (!ok && problems.length < 5) problems.push(`${what}: ${JSON.stringify(t)}`);
    };
    let usualMerchant = 0;
    for (const t of txns) {
      const a = accountById.get(t.account_id)!;
      const home = CITIES[a.city]!;
      const m = merchantById.get(t.merchant_id)!;
      check(a.cards.includes(t.card_id), 'own card', t);
      check(a.devices.includes(t.device_id), 'own device', t);
      check(t.country === home.country && t.currency === home.currency, 'home country', t);
      check(distanceKm(t.lat, t.lon, a.homeLat, a.homeLon) < 25, 'near home', t);
      check(t.merchant_category === m.category, 'merchant category', t);
      // ln(amount) stays within 3 sigma of the habit (plus rounding to cents).
      check(Math.abs((Math.log(t.amount) - a.amountMu) / a.amountSigma) < 3.05, 'amount', t);
      check(Math.round(t.amount * 100) / 100 === t.amount, 'cents', t);
      if (a.usualMerchants.includes(m.index)) usualMerchant++;
    }
    expect(problems).toEqual([]);
    expect(usualMerchant / txns.length).toBeGreaterThan(0.95);
  });

  it('matches the lognormal habit mean it reports', () => {
    const byAccount = new Map<string, number[]>();
    for (const t of txns) {
      const list = byAccount.get(t.account_id);
      if (list === undefined) byAccount.set(t.account_id, [t.amount]);
      else list.push(t.amount);
    }
    const [accountId, amounts] = [...byAccount].sort((x, y) => y[1].length - x[1].length)[0]!;
    const account = accountById.get(accountId)!;
    expect(amounts.length).toBeGreaterThan(400);
    const mean = amounts.reduce((s, x) => s + x, 0) / amounts.length;
    // Clipping at 3 sigma trims the tail a little, so the sample mean runs slightly low.
    expect(mean / model.habitMean(account)).toBeGreaterThan(0.85);
    expect(mean / model.habitMean(account)).toBeLessThan(1.1);
  });

  it('numbers transactions uniquely per run tag', () => {
    expect(new Set(txns.map((t) => t.txn_id)).size).toBe(txns.length);
    expect(txns[0]!.txn_id).toBe('txn-r-0');
  });
});
