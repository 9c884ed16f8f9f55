// The query API's view of a running engine: job status, queryable stores read through their
// read-only views, and which instance owns a key (partition by Kafka's partitioner, owner from
// the consumer group's membership, cached briefly).

import type { JsonObject } from '../core/record.js';
import type { StoreDeclaration } from '../core/processor.js';
import type {
  JobDescription,
  JobStatusView,
  KeyOwner,
  QueryableStoreView,
  QueryBackend,
  WindowRow,
} from '../core/query.js';
import type { ReadOnlyKeyValueStore } from '../core/store.js';
import type { Topology } from '../core/topology.js';
import type { KafkaAdmin, GroupMemberView } from '../sources/kafka/kafka-admin.js';
import type { Engine } from './engine.js';
import { partitionForKey } from './key-partitioner.js';

/** Where the engine's local stores can be read (the StoreManager). */
export interface ReadableStores {
  readOnlyStore<V>(
    job: string,
    store: string,
    partition: number,
  ): ReadOnlyKeyValueStore<V> | undefined;
  partitions(job: string, store: string): number[];
}

export interface EngineQueryBackendOptions {
  readonly engine: Engine;
  readonly stores: ReadableStores;
  readonly admin: KafkaAdmin | undefined;
  /** This instance's API address as advertised to the group. */
  readonly apiAddress: string;
  readonly describe: (topology: Topology) => string;
}

interface StoreEntry {
  readonly topology: Topology;
  readonly subtopology: number;
  readonly declaration: StoreDeclaration;
}

const GROUP_CACHE_MS = 1000;
const SCAN_CAP = 1_000_000;

export class EngineQueryBackend implements QueryBackend {
  private readonly storeEntries = new Map<string, StoreEntry>();
  private readonly groupCache = new Map<string, { atMs: number; members: GroupMemberView[] }>();

  constructor(private readonly options: EngineQueryBackendOptions) {
    for (const topology of options.engine.topologies) {
      for (const sub of topology.subtopologies) {
        for (const node of sub.nodes) {
          for (const declaration of node.stores) {
            if (declaration.queryable)
              this.storeEntries.set(declaration.name, {
                topology,
                subtopology: sub.id,
                declaration,
              });
          }
        }
      }
    }
  }

  jobs(): readonly JobDescription[] {
    return this.options.engine.topologies.map((t) => ({
      job: t.job,
      sourceTopics: t.subtopologies.filter((s) => !s.internalSource).flatMap((s) => s.sourceTopics),
      stores: t.subtopologies.flatMap((s) =>
        s.nodes.flatMap((n) => n.stores.map((d) => ({ name: d.name, queryable: d.queryable }))),
      ),
      topology: this.options.describe(t),
    }));
  }

  status(): readonly JobStatusView[] {
    return this.options.engine.status();
  }

  storeNames(): readonly string[] {
    return [...this.storeEntries.keys()];
  }

  metricsText(): string {
    return this.options.engine.metrics.render();
  }

  store(name: string): QueryableStoreView | undefined {
    const entry = this.storeEntries.get(name);
    if (!entry) return undefined;
    const { stores } = this.options;
    const job = entry.topology.job;
    const toRows = (key: string, value: unknown, fromMs?: number, toMs?: number): WindowRow[] =>
      rows(entry.declaration, key, value, fromMs, toMs);
    const partitionOf = (key: string): number | undefined => {
      const count = this.options.engine.runner(job)?.sourcePartitions(entry.subtopology);
      return count === undefined ? undefined : partitionForKey(key, count);
    };
    return {
      name,
      job,
      async windowsOfKey(key, fromMs, toMs) {
        const partition = partitionOf(key);
        if (partition === undefined) return undefined;
        const store = stores.readOnlyStore<unknown>(job, name, partition);
        const value = await store?.get(key);
        if (value === undefined) return undefined;
        return toRows(key, value, fromMs, toMs);
      },
      async windows(fromMs, toMs, limit) {
        const out: WindowRow[] = [];
        let scanned = 0;
        for (const partition of stores.partitions(job, name)) {
          const store = stores.readOnlyStore<unknown>(job, name, partition);
          if (!store) continue;
          let fromKey: string | undefined;
          while (out.length < limit && scanned < SCAN_CAP) {
            const chunk = await store.range({
              ...(fromKey === undefined ? {} : { fromKey }),
              limit: 1000,
            });
            for (const [key, value] of chunk) {
              if (key === fromKey) continue;
              scanned++;
              for (const row of toRows(key, value, fromMs, toMs)) {
                if (out.length < limit) out.push(row);
              }
            }
            if (chunk.length < 1000) break;
            fromKey = chunk[chunk.length - 1]![0];
          }
        }
        return out;
      },
    };
  }

  async storeValue(store: string, key: string): Promise<unknown> {
    const entry = this.storeEntries.get(store);
    if (!entry) return undefined;
    const job = entry.topology.job;
    const count = this.options.engine.runner(job)?.sourcePartitions(entry.subtopology);
    if (count === undefined) return undefined;
    const partition = partitionForKey(key, count);
    return this.options.stores.readOnlyStore<unknown>(job, store, partition)?.get(key);
  }

  async storeValuesByPartition(store: string, key: string): Promise<unknown[]> {
    const entry = this.storeEntries.get(store);
    if (!entry) return [];
    const job = entry.topology.job;
    const { stores } = this.options;
    const values = await Promise.all(
      stores.partitions(job, store).map((p) => {
        const view = stores.readOnlyStore<unknown>(job, store, p);
        return view ? view.get(key) : Promise.resolve(undefined);
      }),
    );
    return values.filter((v) => v !== undefined);
  }

  async ownerOf(store: string, key: string): Promise<KeyOwner> {
    const entry = this.storeEntries.get(store);
    if (!entry) return { kind: 'unavailable', reason: `unknown store "${store}"` };
    const job = entry.topology.job;
    const runner = this.options.engine.runner(job);
    const count = runner?.sourcePartitions(entry.subtopology);
    if (!runner || count === undefined)
      return { kind: 'unavailable', reason: `job ${job} is not running here` };
    const partition = partitionForKey(key, count);
    if (runner.hasRunningTask(entry.subtopology, partition)) return { kind: 'local' };
    const topic = entry.topology.subtopologies.find((s) => s.id === entry.subtopology)
      ?.sourceTopics[0];
    const admin = this.options.admin;
    if (!admin || topic === undefined) return { kind: 'local' };
    const members = await this.members(admin, job);
    const owner = members.find((m) => m.assignment[topic]?.includes(partition));
    if (!owner)
      return {
        kind: 'unavailable',
        reason: `partition ${partition} of ${topic} is not assigned right now (rebalancing)`,
      };
    if (!owner.api || owner.api === this.options.apiAddress) {
      // Assigned here but the task has not started or is restoring.
      return { kind: 'unavailable', reason: `partition ${partition} of ${topic} is restoring` };
    }
    return { kind: 'remote', address: owner.api };
  }

  private async members(admin: KafkaAdmin, group: string): Promise<GroupMemberView[]> {
    const cached = this.groupCache.get(group);
    const now = Date.now();
    if (cached && now - cached.atMs < GROUP_CACHE_MS) return cached.members;
    const members = await admin.describeGroup(group);
    this.groupCache.set(group, { atMs: now, members });
    return members;
  }
}

function rows(
  declaration: StoreDeclaration,
  key: string,
  value: unknown,
  fromMs?: number,
  toMs?: number,
): WindowRow[] {
  const objects: JsonObject[] = declaration.view
    ? declaration.view(key, value, fromMs, toMs)
    : [{ key, value: value as JsonObject }];
  return objects.map((o) => {
    const { key: _k, startMs, endMs, ...rest } = o;
    return {
      key,
      startMs: typeof startMs === 'number' ? startMs : 0,
      endMs: typeof endMs === 'number' ? endMs : 0,
      value: rest,
    };
  });
}
