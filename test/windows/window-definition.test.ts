import { describe, expect, it } from 'vitest';
import {
  closeDelayMs,
  defaultRetentionMs,
  minRetentionMs,
  toWindowDefinition,
  windowDefinitionStateId,
} from '../../src/windows/window-definition.js';

describe('toWindowDefinition', () => {
  it('parses durations of each window type', () => {
    expect(toWindowDefinition({ type: 'tumbling', size: '5m' })).toEqual({
      type: 'tumbling',
      sizeMs: 300_000,
      graceMs: 0,
    });
    expect(
      toWindowDefinition({ type: 'hopping', size: '10m', advance: '5m', grace: '30s' }),
    ).toEqual({
      type: 'hopping',
      sizeMs: 600_000,
      advanceMs: 300_000,
      graceMs: 30_000,
    });
    expect(toWindowDefinition({ type: 'sliding', size: 1000 })).toEqual({
      type: 'sliding',
      sizeMs: 1000,
      graceMs: 0,
    });
    expect(toWindowDefinition({ type: 'session', gap: '30m' })).toEqual({
      type: 'session',
      gapMs: 1_800_000,
      graceMs: 0,
    });
  });

  it('reports the missing or invalid field', () => {
    expect(() => toWindowDefinition({ type: 'tumbling' })).toThrow(/needs `size`/);
    expect(() => toWindowDefinition({ type: 'hopping', size: '1m' })).toThrow(/needs `advance`/);
    expect(() => toWindowDefinition({ type: 'session', size: '1m' })).toThrow(/needs `gap`/);
    expect(() => toWindowDefinition({ type: 'tumbling', size: 0 })).toThrow(/positive/);
    expect(() => toWindowDefinition({ type: 'hopping', size: '1m', advance: '2m' })).toThrow(
      /advance/,
    );
    expect(() => toWindowDefinition({ type: 'weekly' as 'tumbling', size: '1m' })).toThrow(
      /unknown window type/,
    );
    try {
      toWindowDefinition({ type: 'hopping', size: '1m' });
    } catch (err) {
      expect((err as { context: { field?: string } }).context.field).toBe('window.advance');
    }
  });
});

describe('close and retention', () => {
  it('closes at end + grace (+ gap for sessions)', () => {
    expect(closeDelayMs({ type: 'tumbling', sizeMs: 10, graceMs: 3 })).toBe(3);
    expect(closeDelayMs({ type: 'session', gapMs: 10, graceMs: 3 })).toBe(13);
  });

  it('keeps sliding windows one size + 1 ms past grace, and defaults to a window length past close', () => {
    expect(minRetentionMs({ type: 'sliding', sizeMs: 10, graceMs: 3 })).toBe(14);
    expect(minRetentionMs({ type: 'hopping', sizeMs: 10, advanceMs: 5, graceMs: 3 })).toBe(3);
    expect(defaultRetentionMs({ type: 'tumbling', sizeMs: 10, graceMs: 3 })).toBe(13);
    expect(defaultRetentionMs({ type: 'sliding', sizeMs: 10, graceMs: 3 })).toBe(14);
    expect(defaultRetentionMs({ type: 'session', gapMs: 10, graceMs: 3 })).toBe(23);
  });

  it('names the window shape, not grace, in the stateId', () => {
    expect(windowDefinitionStateId({ type: 'hopping', sizeMs: 10, advanceMs: 5, graceMs: 3 })).toBe(
      'hopping(size=10,advance=5)',
    );
    expect(windowDefinitionStateId({ type: 'session', gapMs: 7 })).toBe('session(gap=7)');
  });
});
