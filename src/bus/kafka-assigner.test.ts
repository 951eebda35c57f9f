import { AssignerProtocol } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createCopartitionedAssigner, readMemberName } from './kafka-assigner.ts';

/** The little of kafkajs's Cluster the assigner reads: the partitions of each topic. */
const cluster = { findTopicPartitionMetadata: () => [0, 1, 2].map((partitionId) => ({ partitionId })) };
type AssignerInput = Parameters<ReturnType<ReturnType<typeof createCopartitionedAssigner>>['assign']>[0];

describe('the Kafka co-partitioned assigner', () => {
  it('sends its member name in the protocol metadata and reads it back', () => {
    const protocol = createCopartitionedAssigner('host-1')({ cluster } as never).protocol({ topics: ['kms.events'] });
    expect(readMemberName(protocol.metadata)).toBe('host-1');
    expect(readMemberName(createCopartitionedAssigner(undefined)({ cluster } as never).protocol({ topics: ['kms.events'] }).metadata)).toBeUndefined();
    expect(readMemberName(Buffer.from('not kafka metadata'))).toBeUndefined();
  });

  it('deals partitions by member name, with members that sent none ordered by member id', async () => {
    const metadata = (name: string | undefined) => createCopartitionedAssigner(name)({ cluster } as never).protocol({ topics: ['kms.events', 'app.events'] }).metadata;
    const members = [
      { memberId: 'keytrail-0001', memberMetadata: metadata('host-b') },
      { memberId: 'keytrail-0002', memberMetadata: metadata('host-a') },
    ];
    const result = await createCopartitionedAssigner('host-a')({ cluster } as never).assign({ members, topics: ['kms.events', 'app.events'] } as unknown as AssignerInput);
    const owned = Object.fromEntries(result.map((entry) => [entry.memberId, AssignerProtocol.MemberAssignment.decode(entry.memberAssignment)!.assignment]));
    expect(owned).toEqual({ 'keytrail-0002': { 'app.events': [0, 2], 'kms.events': [0, 2] }, 'keytrail-0001': { 'app.events': [1], 'kms.events': [1] } });
  });
});
