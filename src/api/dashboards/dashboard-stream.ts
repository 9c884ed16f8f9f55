// Live data of every dashboard as server-sent events: one timer per dashboard ticks its sampler
// at the dashboard's refresh and sends the update to each open page; a page that connects gets
// a snapshot first. Metric history is sampled even with no page open, so a page opens on it.

import type { Clock } from '../../core/clock.js';
import type { DashboardFrame } from './dashboard-frame.js';
import type { DashboardSampler } from './dashboard-sampler.js';

/** An open page: receives text in the `text/event-stream` format. */
export interface StreamClient {
  send(text: string): void;
}

interface Channel {
  readonly sampler: DashboardSampler;
  readonly clients: Set<StreamClient>;
  timer: NodeJS.Timeout | undefined;
}

export class DashboardStream {
  private readonly channels = new Map<string, Channel>();

  constructor(
    samplers: readonly DashboardSampler[],
    private readonly clock: Clock,
  ) {
    for (const sampler of samplers) {
      this.channels.set(sampler.spec.name, { sampler, clients: new Set(), timer: undefined });
    }
  }

  /** Starts every dashboard's timer (unref'd: it never keeps the process alive). */
  start(): void {
    for (const [name, channel] of this.channels) {
      if (channel.timer !== undefined) continue;
      this.tick(name);
      channel.timer = setInterval(() => this.tick(name), channel.sampler.spec.refreshMs);
      channel.timer.unref();
    }
  }

  /** Stops the timers; open pages stay subscribed until their connections close. */
  stop(): void {
    for (const channel of this.channels.values()) {
      clearInterval(channel.timer);
      channel.timer = undefined;
    }
  }

  /**
   * Sends `client` a snapshot of dashboard `name`, then every update until the returned
   * function is called. Undefined for an unknown dashboard.
   */
  subscribe(name: string, client: StreamClient): (() => void) | undefined {
    const channel = this.channels.get(name);
    if (channel === undefined) return undefined;
    channel.clients.add(client);
    client.send(eventText(channel.sampler.snapshot(this.clock.nowMs())));
    return () => {
      channel.clients.delete(client);
    };
  }

  /** One refresh of dashboard `name` now (the timer's work; tests call it directly). */
  tick(name: string): void {
    const channel = this.channels.get(name);
    if (channel === undefined) return;
    const watched = channel.clients.size > 0;
    const frame = channel.sampler.tick(this.clock.nowMs(), watched);
    if (!watched) return;
    // Sent even when no panel changed: the page shows it is live and moves its time axis.
    const text = eventText(frame);
    for (const client of channel.clients) client.send(text);
  }
}

/** One server-sent event carrying a frame as JSON. */
export function eventText(frame: DashboardFrame): string {
  return `data: ${JSON.stringify(frame)}\n\n`;
}
