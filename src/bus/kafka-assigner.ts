import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';
import { assignCopartitioned } from './assignment.ts';

export const COPARTITIONED_ASSIGNER_NAME = 'KeytrailCopartitioned';

/**
 * A kafkajs partition assigner for assignCopartitioned. kafkajs's default round-robin assigner deals
 * topic-partitions out in one sequence, which can give partition 0 of kms.events and partition 0 of
 * app.events to different members; the correlator needs them on one member.
 */
export const copartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: COPARTITIONED_ASSIGNER_NAME,
  version: 0,
  async assign({ members, topics }) {
    const partitions = topics.flatMap((topic) => cluster.findTopicPartitionMetadata(topic).map((meta) => ({ topic, partition: meta.partitionId })));
    const assignment = assignCopartitioned(members.map((member) => member.memberId), partitions);
    return [...assignment].map(([memberId, owned]) => {
      const byTopic: Record<string, number[]> = {};
      for (const entry of owned) (byTopic[entry.topic] ??= []).push(entry.partition);
      return { memberId, memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: byTopic, userData: Buffer.alloc(0) }) };
    });
  },
  protocol({ topics }) {
    return { name: COPARTITIONED_ASSIGNER_NAME, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
  },
});
