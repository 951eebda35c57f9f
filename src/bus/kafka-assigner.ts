import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';
import { assignCopartitioned } from './assignment.ts';

export const COPARTITIONED_ASSIGNER_NAME = 'KeytrailCopartitioned';

/**
 * A kafkajs partition assigner for assignCopartitioned. kafkajs's default round-robin assigner deals
 * topic-partitions out in one sequence, which can give partition 0 of kms.events and partition 0 of
 * app.events to different members; the correlator needs them on one member. Each member sends `memberName`
 * (its instance id) in its metadata's user data, and the leader orders members by it: the broker's member
 * ids change on every join, so a member evicted after a slow heartbeat would otherwise come back to
 * different partitions, away from the state it holds.
 */
export function createCopartitionedAssigner(memberName: string | undefined): PartitionAssigner {
  return ({ cluster }) => ({
    name: COPARTITIONED_ASSIGNER_NAME,
    version: 0,
    async assign({ members, topics }) {
      const partitions = topics.flatMap((topic) => cluster.findTopicPartitionMetadata(topic).map((meta) => ({ topic, partition: meta.partitionId })));
      const names = new Map(members.map((member) => [member.memberId, readMemberName(member.memberMetadata) ?? member.memberId]));
      const assignment = assignCopartitioned(members.map((member) => member.memberId), partitions, (memberId) => names.get(memberId) ?? memberId);
      return [...assignment].map(([memberId, owned]) => {
        const byTopic: Record<string, number[]> = {};
        for (const entry of owned) (byTopic[entry.topic] ??= []).push(entry.partition);
        return { memberId, memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: byTopic, userData: Buffer.alloc(0) }) };
      });
    },
    protocol({ topics }) {
      const userData = memberName === undefined ? Buffer.alloc(0) : Buffer.from(memberName, 'utf8');
      return { name: COPARTITIONED_ASSIGNER_NAME, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData }) };
    },
  });
}

/** The name a member sent, or undefined when it sent none (or metadata this assigner did not write). */
export function readMemberName(metadata: Buffer): string | undefined {
  try {
    const decoded = AssignerProtocol.MemberMetadata.decode(metadata);
    const name = decoded?.userData.toString('utf8') ?? '';
    return name === '' ? undefined : name;
  } catch {
    return undefined;
  }
}
