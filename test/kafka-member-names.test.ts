// The co-partitioned assigner on a real broker: members are ordered by the name they send (the instance id),
// not by the member id the broker hands out on every join.
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { createKafkaBus, type KafkaBus } from '../src/bus/kafka-bus.ts';
import type { TopicPartition } from '../src/core/ports.ts';

interface Member {
  bus: KafkaBus;
  stop: AbortController;
  done: Promise<void>;
  /** The partitions of the latest assignment. */
  partitions: number[];
}

describe('Kafka group members named by instance id', () => {
  it('gives a member that rejoins under its name, with a member id that now sorts first, its partitions back', { timeout: 120_000 }, async () => {
    const topic = `names${randomUUID().slice(0, 8)}.kms.events`;
    const group = `names-${randomUUID().slice(0, 8)}`;
    const join = (clientId: string, memberName: string): Member => {
      const bus = createKafkaBus({ brokers: [inject('kafkaBrokers')], clientId, partitions: 2, sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500 }, { memberName });
      const stop = new AbortController();
      const member: Member = { bus, stop, partitions: [], done: Promise.resolve() };
      member.done = bus.consume({
        group,
        topics: [topic],
        signal: stop.signal,
        handleBatch: async () => undefined,
        onAssignment: (assigned: readonly TopicPartition[]) => void (member.partitions = assigned.map((entry) => entry.partition).sort()),
      });
      return member;
    };
    const settled = async (members: Member[], expected: number[][]): Promise<void> => {
      const deadline = Date.now() + 60_000;
      while (JSON.stringify(members.map((member) => member.partitions)) !== JSON.stringify(expected)) {
        if (Date.now() > deadline) throw new Error(`assignments ${JSON.stringify(members.map((member) => member.partitions))}, expected ${JSON.stringify(expected)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const leave = async (member: Member): Promise<void> => {
      member.stop.abort();
      await member.done;
      await member.bus.close();
    };

    const admin = createKafkaBus({ brokers: [inject('kafkaBrokers')], partitions: 2 });
    await admin.ensureTopics([topic]);
    await admin.close();
    // Member ids start with the client id: by member id, "b-client" would sort before "c-client".
    const second = join('b-client', 'instance-2');
    const first = join('c-client', 'instance-1');
    await settled([first, second], [[0], [1]]);
    // instance-1 leaves and comes back as "a-client": its new member id sorts before instance-2's.
    await leave(first);
    await settled([second], [[0, 1]]);
    const back = join('a-client', 'instance-1');
    await settled([back, second], [[0], [1]]);
    await leave(back);
    await leave(second);
  });
});
