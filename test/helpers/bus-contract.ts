import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../src/bus/partition.ts';
import { createTopicNames } from '../../src/bus/topics.ts';
import { buildDeadLetter, DeadLetter } from '../../src/core/dead-letter.ts';
import { KeytrailError } from '../../src/core/errors.ts';
import type { Bus, BusMessage, OutgoingMessage, TopicPartition } from '../../src/core/ports.ts';
import { HEADER_INGEST_TIME, HEADER_SCHEMA_VERSION } from '../../src/core/ports.ts';

export const CONTRACT_PARTITIONS = 4;

export interface BusFactory {
  /** A bus with CONTRACT_PARTITIONS partitions; several calls in one test reach the same topics (like processes). */
  open(): Promise<Bus>;
}

/** What every bus promises (core/ports.ts), run against SqliteBus and KafkaBus alike. */
export function describeBusContract(name: string, makeFactory: () => BusFactory): void {
  describe(`${name} bus contract`, () => {
    const fresh = () => ({ topics: createTopicNames({ prefix: `t${randomUUID().slice(0, 8)}.` }), group: `g-${randomUUID()}` });

    it('keeps per-key order, puts a key in the partition Kafka would, and stamps schema version and ingest time', async () => {
      const { topics, group } = fresh();
      const bus = await makeFactory().open();
      const keys = Array.from({ length: 12 }, (_, index) => `aws:request-${index}`);
      const messages = Array.from({ length: 240 }, (_, index) => message(keys[index % keys.length]!, index));
      for (let start = 0; start < messages.length; start += 60) await bus.publish(topics.kmsEvents, messages.slice(start, start + 60));
      const seen: BusMessage[] = [];
      await bus.consume({ group, topics: [topics.kmsEvents], untilIdle: true, maxBatchMessages: 25, handleBatch: async (batch) => void seen.push(...batch) });
      expect(seen).toHaveLength(messages.length);
      for (const key of keys) {
        const sequence = seen.filter((entry) => entry.key === key).map((entry) => JSON.parse(entry.value.toString()).seq as number);
        expect(sequence).toEqual([...sequence].sort((a, b) => a - b));
        expect(sequence).toHaveLength(20);
      }
      for (const entry of seen) {
        expect(entry.partition).toBe(partitionForKey(entry.key, CONTRACT_PARTITIONS));
        expect(entry.headers[HEADER_SCHEMA_VERSION]).toBe('1');
        expect(Number.isNaN(Date.parse(entry.headers[HEADER_INGEST_TIME] ?? ''))).toBe(false);
      }
      await bus.close();
    });

    it('redelivers a batch whose handler failed and skips nothing, then has nothing left', async () => {
      const { topics, group } = fresh();
      const bus = await makeFactory().open();
      await bus.publish(topics.records, Array.from({ length: 60 }, (_, index) => message('one-key', index)));
      const firstRun: number[] = [];
      let batches = 0;
      const crash = new KeytrailError('BUS_HANDLER_FAILED', 'the durable write failed');
      const failing = bus.consume({
        group, topics: [topics.records], untilIdle: true, maxBatchMessages: 10,
        handleBatch: async (batch) => {
          batches += 1;
          if (batches === 3) throw crash;
          firstRun.push(...batch.map(seqOf));
        },
      });
      await expect(failing).rejects.toBe(crash);
      expect(firstRun).toEqual(range(0, 20));
      const secondRun: number[] = [];
      await bus.consume({ group, topics: [topics.records], untilIdle: true, maxBatchMessages: 10, handleBatch: async (batch) => void secondRun.push(...batch.map(seqOf)) });
      expect(secondRun).toEqual(range(20, 60));
      const thirdRun: number[] = [];
      await bus.consume({ group, topics: [topics.records], untilIdle: true, handleBatch: async (batch) => void thirdRun.push(...batch.map(seqOf)) });
      expect(thirdRun).toEqual([]);
      await bus.close();
    });

    it('splits partitions between two members of a group, which together see every message once, also after one leaves', async () => {
      const { topics, group } = fresh();
      const factory = makeFactory();
      const [producer, busA, busB] = [await factory.open(), await factory.open(), await factory.open()];
      const members = { a: createMember(), b: createMember() };
      const runA = busA.consume({ group, topics: [topics.kmsEvents, topics.appEvents], signal: members.a.abort.signal, maxBatchMessages: 20, onAssignment: members.a.assign, handleBatch: members.a.handle });
      const runB = busB.consume({ group, topics: [topics.kmsEvents, topics.appEvents], signal: members.b.abort.signal, maxBatchMessages: 20, onAssignment: members.b.assign, handleBatch: members.b.handle });
      await waitFor(() => members.a.owned.length > 0 && members.b.owned.length > 0 && members.a.owned.length + members.b.owned.length === 2 * CONTRACT_PARTITIONS, [members.a, members.b]);
      expect(members.a.owned.filter((entry) => members.b.owned.some((other) => other.topic === entry.topic && other.partition === entry.partition))).toEqual([]);
      // Co-partitioning: partition n of both topics belongs to one member.
      for (const member of [members.a, members.b]) {
        expect(new Set(member.owned.filter((entry) => entry.topic === topics.kmsEvents).map((entry) => entry.partition))).toEqual(new Set(member.owned.filter((entry) => entry.topic === topics.appEvents).map((entry) => entry.partition)));
      }
      const firstWave = Array.from({ length: 200 }, (_, index) => message(`key-${index % 37}`, index));
      await producer.publish(topics.kmsEvents, firstWave.slice(0, 100));
      await producer.publish(topics.appEvents, firstWave.slice(100));
      await waitFor(() => members.a.seqs.length + members.b.seqs.length >= 200, [members.a, members.b]);
      expect([...members.a.seqs, ...members.b.seqs].sort((x, y) => x - y)).toEqual(range(0, 200));
      expect(members.a.seqs.length).toBeGreaterThan(0);
      expect(members.b.seqs.length).toBeGreaterThan(0);

      members.b.abort.abort();
      await runB;
      await waitFor(() => members.a.owned.length === 2 * CONTRACT_PARTITIONS, [members.a]);
      const secondWave = Array.from({ length: 100 }, (_, index) => message(`key-${index % 37}`, 200 + index));
      await producer.publish(topics.kmsEvents, secondWave);
      await waitFor(() => members.a.seqs.length + members.b.seqs.length >= 300, [members.a]);
      members.a.abort.abort();
      await runA;
      expect([...members.a.seqs, ...members.b.seqs].sort((x, y) => x - y)).toEqual(range(0, 300));
      for (const bus of [producer, busA, busB]) await bus.close();
    });

    it('starts a partition at the position the consumer stored itself when that is ahead of the group, and drains', async () => {
      const { topics, group } = fresh();
      const bus = await makeFactory().open();
      await bus.publish(topics.records, Array.from({ length: 30 }, (_, index) => message('one-key', index)));
      const partition = partitionForKey('one-key', CONTRACT_PARTITIONS);
      const asked: TopicPartition[] = [];
      const seen: number[] = [];
      await bus.consume({
        group, topics: [topics.records], untilIdle: true, maxBatchMessages: 7,
        resumeFrom: (entry) => {
          asked.push(entry);
          return entry.partition === partition ? '12' : undefined;
        },
        handleBatch: async (batch) => void seen.push(...batch.map(seqOf)),
      });
      expect(seen).toEqual(range(12, 30));
      expect(asked.map((entry) => entry.partition).sort()).toEqual(range(0, CONTRACT_PARTITIONS));
      // Behind the group's committed offset, a stored position changes nothing.
      await bus.publish(topics.records, [message('one-key', 30)]);
      const later: number[] = [];
      await bus.consume({ group, topics: [topics.records], untilIdle: true, resumeFrom: () => '3', handleBatch: async (batch) => void later.push(...batch.map(seqOf)) });
      expect(later).toEqual([30]);
      await bus.close();
    });

    it('publishes dead letters that read back with their code, position and raw bytes', async () => {
      const { topics, group } = fresh();
      const bus = await makeFactory().open();
      const raw = Buffer.from('{"eventVersion":"1.11", truncated', 'utf8');
      const letter = buildDeadLetter(new KeytrailError('CORE_SCHEMA_INVALID', 'not a CloudTrail record'), raw, { stage: 'ingest/aws', source: 'trail.json.gz', position: 'Records[7]' }, new Date('2026-01-10T12:00:00Z'));
      await bus.publish(topics.deadLetter, [{ key: 'aws:trail.json.gz', value: Buffer.from(JSON.stringify(letter)) }]);
      const read: DeadLetter[] = [];
      await bus.consume({ group, topics: [topics.deadLetter], untilIdle: true, handleBatch: async (batch) => void read.push(...batch.map((entry) => DeadLetter.parse(JSON.parse(entry.value.toString())))) });
      expect(read).toHaveLength(1);
      expect(read[0]).toMatchObject({ code: 'CORE_SCHEMA_INVALID', stage: 'ingest/aws', position: 'Records[7]', rawBytes: raw.length });
      expect(Buffer.from(read[0]!.rawBase64, 'base64')).toEqual(raw);
      await bus.close();
    });
  });
}

function message(key: string, seq: number): OutgoingMessage {
  return { key, value: Buffer.from(JSON.stringify({ seq })) };
}

function seqOf(entry: BusMessage): number {
  return JSON.parse(entry.value.toString()).seq as number;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, index) => from + index);
}

interface Member {
  abort: AbortController;
  owned: TopicPartition[];
  seqs: number[];
  changed: Set<() => void>;
  assign(partitions: readonly TopicPartition[]): void;
  handle(batch: readonly BusMessage[]): Promise<void>;
}

function createMember(): Member {
  const member: Member = {
    abort: new AbortController(),
    owned: [],
    seqs: [],
    changed: new Set(),
    assign: (partitions) => {
      member.owned = [...partitions];
      for (const notify of member.changed) notify();
    },
    handle: async (batch) => {
      member.seqs.push(...batch.map(seqOf));
      for (const notify of member.changed) notify();
    },
  };
  return member;
}

/** Resolves when the condition holds, re-checked on every assignment or batch of the given members (no polling). */
function waitFor(condition: () => boolean, members: readonly Member[]): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (!condition()) return;
      for (const member of members) member.changed.delete(check);
      resolve();
    };
    for (const member of members) member.changed.add(check);
    check();
  });
}
