// The evaluation traffic: deterministic, split at the cut, labels right behind their payments.
import { describe, expect, it } from 'vitest';
import { evaluationTraffic } from '../../../src/cli/evaluate/evaluation-traffic.js';

describe('evaluationTraffic', () => {
  const options = {
    seed: 3,
    events: 20_000,
    holdoutShare: 0.2,
    fraudRate: 0.02,
    fraudWarmupShare: 0.25,
    startMs: Date.UTC(2025, 0, 1),
    topicPrefix: 'p-',
  };
  const t = evaluationTraffic(options);

  it('splits the activity at the cut and keeps payments with their labels', () => {
    const activity = t.training.length + t.heldOut.length;
    expect(t.training.length).toBe(Math.floor(activity * 0.8));
    expect(t.trainingMessages.every((m) => m.topic === 'p-user-activity')).toBe(true);
    const paymentMessages = [...t.warmupPayments, ...t.scoredPayments];
    const payments = paymentMessages.filter((m) => m.stream === 'transactions');
    expect(activity + payments.length).toBe(options.events);
    const warmup = t.warmupPayments.filter((m) => m.stream === 'transactions').length;
    expect(warmup).toBe(Math.floor(payments.length * 0.25));
    expect(t.scoredPayments[0]!.stream).toBe('transactions');
    expect(t.topics).toEqual({
      activity: 'p-user-activity',
      transactions: 'p-transactions',
      fraudLabels: 'p-fraud-labels',
    });
    const labels = paymentMessages.filter((m) => m.stream === 'fraud-labels');
    expect(labels.length).toBeGreaterThan(50);
    // Each label follows its own payment (possibly after the payment's other labels: none).
    paymentMessages.forEach((m, i) => {
      if (m.stream !== 'fraud-labels') return;
      const before = paymentMessages[i - 1]!;
      const txn = JSON.parse(before.value.toString('utf8')) as { txn_id: string };
      const lbl = JSON.parse(m.value.toString('utf8')) as { txn_id: string };
      expect(lbl.txn_id).toBe(txn.txn_id);
    });
    expect(paymentMessages.some((m) => m.corruption !== undefined)).toBe(false);
  });

  it('decodes the activity contract and is reproducible', () => {
    expect(t.training[0]).toEqual({
      userId: expect.any(String),
      itemId: expect.any(String),
      sessionId: expect.any(String),
      category: expect.any(String),
      type: expect.stringMatching(/^(view|add_to_cart|purchase)$/),
      tsMs: expect.any(Number),
    });
    const again = evaluationTraffic(options);
    expect(again.heldOut).toEqual(t.heldOut);
    expect(again.scoredPayments.map((m) => m.value.toString())).toEqual(
      t.scoredPayments.map((m) => m.value.toString()),
    );
  });
});
