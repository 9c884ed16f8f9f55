// Great-circle distances against values worked out by hand (R = 6371.0088 km).
import { describe, expect, it } from 'vitest';
import { haversineKm } from '../../../src/scoring/fraud/haversine-km.js';

describe('haversineKm', () => {
  it('one degree of longitude on the equator is 2πR / 360', () => {
    expect(haversineKm(0, 0, 0, 1)).toBeCloseTo(111.19508, 4);
  });

  it('equator to pole is a quarter circle, πR / 2', () => {
    expect(haversineKm(0, 0, 90, 0)).toBeCloseTo(10007.5572, 3);
  });

  it('Paris to London is about 343.6 km, the same both ways', () => {
    expect(haversineKm(48.8566, 2.3522, 51.5074, -0.1278)).toBeCloseTo(343.5565, 3);
    expect(haversineKm(51.5074, -0.1278, 48.8566, 2.3522)).toBeCloseTo(343.5565, 3);
  });

  it('is 0 for the same point and at most half the circumference', () => {
    expect(haversineKm(52.37, 4.9, 52.37, 4.9)).toBe(0);
    expect(haversineKm(0, 0, 0, 180)).toBeCloseTo(Math.PI * 6371.0088, 3);
  });
});
