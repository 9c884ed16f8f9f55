// Group assignment for Sluice jobs: partition p of every subscribed topic goes to the same
// member, so a task that reads several co-partitioned topics (source + repartition) sees all of
// its key space. Each member's metadata carries its query-API address for request routing.

import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

export const ASSIGNER_NAME = 'SluicePartitionAligned';

/** What each member advertises in its group metadata. */
export interface MemberInfo {
  /** `host:port` of this instance's query API, or empty if it serves none. */
  readonly api: string;
}

export function partitionAlignedAssigner(info: MemberInfo): PartitionAssigner {
  return ({ cluster }) => ({
    name: ASSIGNER_NAME,
    version: 1,
    async assign({ members, topics }) {
      const sorted = members.map((m) => m.memberId).sort();
      const assignment = new Map<string, Record<string, number[]>>();
      for (const id of sorted) assignment.set(id, {});
      for (const topic of topics) {
        for (const { partitionId } of cluster.findTopicPartitionMetadata(topic)) {
          const member = sorted[partitionId % sorted.length] as string;
          const own = assignment.get(member) as Record<string, number[]>;
          (own[topic] ??= []).push(partitionId);
        }
      }
      return sorted.map((memberId) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: assignment.get(memberId) ?? {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name: ASSIGNER_NAME,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: 1,
          topics,
          userData: Buffer.from(JSON.stringify(info)),
        }),
      };
    },
  });
}

/** Decodes a member's advertised info from describeGroups metadata (undefined if not ours). */
export function decodeMemberInfo(metadata: Buffer): MemberInfo | undefined {
  try {
    const decoded = AssignerProtocol.MemberMetadata.decode(metadata);
    if (!decoded || decoded.userData.length === 0) return undefined;
    const parsed = JSON.parse(decoded.userData.toString('utf8')) as Partial<MemberInfo>;
    return typeof parsed.api === 'string' ? { api: parsed.api } : undefined;
  } catch {
    return undefined;
  }
}

/** Decodes a member's assignment (topic → partitions) from describeGroups. */
export function decodeMemberAssignment(assignment: Buffer): Record<string, number[]> {
  try {
    return AssignerProtocol.MemberAssignment.decode(assignment)?.assignment ?? {};
  } catch {
    return {};
  }
}
