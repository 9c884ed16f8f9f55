// Fraud rules: validation (every problem at once), and scoring as 1 − Π(1 − weight) over the
// rules that fire, with their reasons in rule order.
import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../../src/core/errors.js';
import { FraudRuleSet } from '../../../src/scoring/fraud/fraud-rules.js';

const NAMES = new Set(['amount', 'new_device', 'amount_z', 'country', 'small_amount']);

function rules(): FraudRuleSet {
  return FraudRuleSet.compile(
    [
      { name: 'big', when: 'amount > 1000', weight: 0.5, reason: 'big amount' },
      { name: 'device', when: 'new_device', weight: 0.4, reason: 'new device' },
      { name: 'odd', when: 'amount_z >= 4 and country != "NL"', weight: 1, reason: 'odd' },
    ],
    NAMES,
  );
}

describe('FraudRuleSet.score', () => {
  it('scores 0 with no reason when nothing fires', () => {
    const s = rules().score({ amount: 10, new_device: false, amount_z: 0, country: 'NL' });
    expect(s).toEqual({ score: 0, reasons: [], fired: [], failed: [] });
  });

  it('one rule: its weight', () => {
    const s = rules().score({ amount: 2000, new_device: false, amount_z: 0, country: 'NL' });
    expect(s.score).toBeCloseTo(0.5, 12);
    expect(s.reasons).toEqual(['big amount']);
  });

  it('two rules: 1 − (1 − 0.5)(1 − 0.4) = 0.7, reasons in rule order', () => {
    const s = rules().score({ amount: 2000, new_device: true, amount_z: 0, country: 'NL' });
    expect(s.score).toBeCloseTo(0.7, 12);
    expect(s.reasons).toEqual(['big amount', 'new device']);
    expect(s.fired).toEqual(['big', 'device']);
  });

  it('a rule of weight 1 makes the score 1', () => {
    const s = rules().score({ amount: 10, new_device: true, amount_z: 5, country: 'BE' });
    expect(s.score).toBe(1);
    expect(s.fired).toEqual(['device', 'odd']);
  });

  it('a rule that fails or is not boolean does not fire and is listed', () => {
    const set = FraudRuleSet.compile(
      [
        { name: 'number', when: 'amount * 2', weight: 0.9, reason: 'not a boolean' },
        { name: 'missing', when: 'country == "NL"', weight: 0.9, reason: 'needs country' },
        { name: 'ok', when: 'amount > 1', weight: 0.3, reason: 'ok' },
      ],
      NAMES,
    );
    const s = set.score({ amount: 5 });
    expect(s.fired).toEqual(['ok']);
    expect(s.failed).toEqual(['number', 'missing']);
    expect(s.score).toBeCloseTo(0.3, 12);
  });
});

describe('FraudRuleSet.compile', () => {
  it('reports every problem at once', () => {
    let error: unknown;
    try {
      FraudRuleSet.compile(
        [
          { name: 'Bad Name', when: 'amount > 1', weight: 0.5, reason: 'r' },
          { name: 'w', when: 'amount > 1', weight: 1.5, reason: 'r' },
          { name: 'w', when: 'amount >', weight: 0.5, reason: '' },
          { name: 'typo', when: 'amout > 1', weight: 0.5, reason: 'r' },
          { name: 'extra', when: 'amount > 1', weight: 0.5, reason: 'r', note: 'x' },
          { name: 'evil', when: 'import("x")', weight: 0.5, reason: 'r' },
          'not a rule',
        ],
        NAMES,
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SluiceError);
    const message = (error as SluiceError).message;
    expect((error as SluiceError).code).toBe('JOB_INVALID');
    for (const part of [
      'rules[0].name',
      'rules[1] (w).weight: must be a number in (0, 1]',
      'rules[2] (w).name: duplicate rule name',
      'rules[2] (w).reason',
      'rules[2] (w).when: column',
      'rules[3] (typo).when: unknown name "amout"',
      'rules[4] (extra): unknown key "note"',
      'rules[5] (evil).when',
      'rules[6]: must be an object',
    ]) {
      expect(message).toContain(part);
    }
  });

  it('only expression problems: JOB_EXPR_INVALID', () => {
    expect(() =>
      FraudRuleSet.compile([{ name: 'a', when: 'amount >', weight: 0.5, reason: 'r' }], NAMES),
    ).toThrow(expect.objectContaining({ code: 'JOB_EXPR_INVALID' }));
  });

  it('wants a list', () => {
    expect(() => FraudRuleSet.compile({ rules: [] }, NAMES)).toThrow(/must be a list/);
  });

  it('the version changes with the rules and only with them', () => {
    const a = rules();
    expect(rules().version).toBe(a.version);
    const b = FraudRuleSet.compile(
      [{ name: 'big', when: 'amount > 999', weight: 0.5, reason: 'big amount' }],
      NAMES,
    );
    expect(b.version).not.toBe(a.version);
    expect(b.version).toMatch(/^[0-9a-f]{12}$/);
  });
});
