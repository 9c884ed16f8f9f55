// SLUICE_SESSION_TIMEOUT_MS: how soon a killed instance's partitions move (crash proofs use 6 s).
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/sluice-config.js';

describe('loadConfig session timeout', () => {
  it('defaults to 30 s and reads SLUICE_SESSION_TIMEOUT_MS', () => {
    expect(loadConfig({}).sessionTimeoutMs).toBe(30_000);
    expect(loadConfig({ SLUICE_SESSION_TIMEOUT_MS: '6000' }).sessionTimeoutMs).toBe(6_000);
  });

  it('refuses values the broker would refuse (below 6 s)', () => {
    expect(() => loadConfig({ SLUICE_SESSION_TIMEOUT_MS: '1000' })).toThrow(
      /SLUICE_SESSION_TIMEOUT_MS=1000/,
    );
  });
});

describe('loadConfig consumer thread', () => {
  it('defaults to auto and reads SLUICE_CONSUMER_THREAD', () => {
    expect(loadConfig({}).consumerThread).toBe('auto');
    expect(loadConfig({ SLUICE_CONSUMER_THREAD: '1' }).consumerThread).toBe('on');
    expect(loadConfig({ SLUICE_CONSUMER_THREAD: 'off' }).consumerThread).toBe('off');
    expect(loadConfig({ SLUICE_CONSUMER_THREAD: ' AUTO ' }).consumerThread).toBe('auto');
  });

  it('names the variable and the values it takes when the value is wrong', () => {
    expect(() => loadConfig({ SLUICE_CONSUMER_THREAD: 'yes' })).toThrow(
      /SLUICE_CONSUMER_THREAD=yes: expected auto, 1 \(on\) or 0 \(off\)/,
    );
  });
});
