import { afterEach, describe, expect, it, vi } from 'vitest';
import { RoomWaiters } from '../../src/core/room-waiters.js';

describe('RoomWaiters', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('returns at once when there is room, without a heartbeat', async () => {
    const heartbeat = vi.fn(() => Promise.resolve());
    await new RoomWaiters().waitWhile(() => false, heartbeat);
    expect(heartbeat).not.toHaveBeenCalled();
  });

  it('waits until woken with room, heartbeating every second meanwhile', async () => {
    vi.useFakeTimers();
    const room = new RoomWaiters();
    let full = true;
    const heartbeat = vi.fn(() => Promise.resolve());
    let done = false;
    const waiting = room.waitWhile(() => full, heartbeat).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(2500);
    expect(heartbeat).toHaveBeenCalledTimes(2);
    expect(done).toBe(false);
    room.wakeAll(); // woken while still full: checks again and waits on
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(false);
    full = false;
    room.wakeAll();
    await waiting;
    expect(done).toBe(true);
  });

  it('keeps waiting when a heartbeat fails', async () => {
    vi.useFakeTimers();
    const room = new RoomWaiters();
    let full = true;
    const waiting = room.waitWhile(
      () => full,
      () => Promise.reject(new Error('rebalancing')),
    );
    await vi.advanceTimersByTimeAsync(1000);
    full = false;
    room.wakeAll();
    await expect(waiting).resolves.toBeUndefined();
  });
});
