// Waiting for room in a bounded buffer of fetched records while keeping a consumer-group
// membership alive: the runner's queue and the consumer thread's hand-over both wait this way.

/** How often a waiter wakes to heartbeat even when no room was made. */
const HEARTBEAT_MS = 1000;

export class RoomWaiters {
  private waiters: Array<() => void> = [];

  /** Resolves once `full()` is false, heartbeating at least every second meanwhile. */
  async waitWhile(full: () => boolean, heartbeat: () => Promise<void>): Promise<void> {
    while (full()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, HEARTBEAT_MS);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      await heartbeat().catch(() => undefined);
    }
  }

  /** Wakes every waiter to check again. */
  wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
