// Cluster administration the runtime needs: create the job's topics, read partition counts and
// end offsets (lag), and describe a group (who owns which partition, for query routing).

import { Kafka, logLevel, type Admin } from 'kafkajs';
import { SluiceError } from '../../core/errors.js';
import { decodeMemberAssignment, decodeMemberInfo } from './partition-aligned-assigner.js';

export interface TopicRequest {
  readonly name: string;
  readonly partitions: number;
  readonly config?: Readonly<Record<string, string>>;
}

export interface GroupMemberView {
  readonly memberId: string;
  readonly api: string | undefined;
  readonly assignment: Record<string, number[]>;
}

export class KafkaAdmin {
  private constructor(private readonly admin: Admin) {}

  static async connect(brokers: readonly string[], clientId = 'sluice-admin'): Promise<KafkaAdmin> {
    const kafka = new Kafka({
      clientId,
      brokers: [...brokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 5 },
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
    } catch (err) {
      throw new SluiceError(
        'KAFKA_UNAVAILABLE',
        `cannot reach Kafka at ${brokers.join(',')}: ${String(err)}`,
        {
          cause: err,
          retriable: true,
          domain: 'external',
        },
      );
    }
    return new KafkaAdmin(admin);
  }

  async listTopics(): Promise<string[]> {
    return this.admin.listTopics();
  }

  /** Partition count of each existing topic; missing topics are absent from the map. */
  async partitionCounts(topics: readonly string[]): Promise<Map<string, number>> {
    const existing = new Set(await this.admin.listTopics());
    const wanted = topics.filter((t) => existing.has(t));
    const out = new Map<string, number>();
    if (wanted.length === 0) return out;
    const { topics: meta } = await this.admin.fetchTopicMetadata({ topics: wanted });
    for (const t of meta) out.set(t.name, t.partitions.length);
    return out;
  }

  /** Creates the topics that do not exist yet (existing ones are left as they are). */
  async ensureTopics(requests: readonly TopicRequest[]): Promise<string[]> {
    const existing = new Set(await this.admin.listTopics());
    const missing = requests.filter((r) => !existing.has(r.name));
    if (missing.length === 0) return [];
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((r) => ({
        topic: r.name,
        numPartitions: r.partitions,
        replicationFactor: -1,
        configEntries: Object.entries(r.config ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
    return missing.map((r) => r.name);
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    if (topics.length) await this.admin.deleteTopics({ topics: [...topics] });
  }

  /** Log end offsets per partition. */
  async endOffsets(topic: string): Promise<Map<number, string>> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, o.high]));
  }

  /** Committed offsets of a group for a topic (-1 when none). */
  async committedOffsets(groupId: string, topic: string): Promise<Map<number, string>> {
    const [entry] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((entry?.partitions ?? []).map((p) => [p.partition, p.offset]));
  }

  async describeGroup(groupId: string): Promise<GroupMemberView[]> {
    const { groups } = await this.admin.describeGroups([groupId]);
    const group = groups[0];
    if (!group) return [];
    return group.members.map((m) => ({
      memberId: m.memberId,
      api: decodeMemberInfo(m.memberMetadata)?.api || undefined,
      assignment: decodeMemberAssignment(m.memberAssignment),
    }));
  }

  async close(): Promise<void> {
    await this.admin.disconnect();
  }
}
