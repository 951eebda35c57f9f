import type Database from 'better-sqlite3';
import type { TopicPartition } from '../core/ports.ts';
import { assignCopartitioned, topicPartitionKey } from './assignment.ts';

export const GROUP_SCHEMA = `
CREATE TABLE IF NOT EXISTS group_members (
  grp TEXT NOT NULL, member_id TEXT NOT NULL, expires_ms INTEGER NOT NULL,
  PRIMARY KEY (grp, member_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS partition_owners (
  grp TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL, member_id TEXT NOT NULL,
  PRIMARY KEY (grp, topic, partition)) WITHOUT ROWID;
`;

export interface GroupMembership {
  /**
   * Heartbeats, expires members whose lease ran out, and works out this member's partitions: those the
   * assignment gives it and that no other live member still holds. `complete` is false while a partition
   * assigned here is still held by its previous owner (it releases it between two of its batches).
   */
  refresh(): { owned: TopicPartition[]; complete: boolean };
  /** Whether this member still owns the partition (checked inside the commit transaction). */
  owns(entry: TopicPartition): boolean;
  leave(): void;
}

export interface MembershipOptions {
  group: string;
  memberId: string;
  partitions: readonly TopicPartition[];
  sessionTimeoutMs: number;
  nowMs(): number;
}

/**
 * Consumer-group membership in the embedded bus, shared by every process that opens the same file:
 * members hold a lease renewed on each poll; a member that stops renewing (crashed, killed) expires and
 * its partitions go to the others. Like Kafka's eager rebalance, a partition changes hands only after its
 * owner released it between batches or expired, so two members never handle one partition at once.
 */
export function joinGroup(db: Database.Database, options: MembershipOptions): GroupMembership {
  const { group, memberId } = options;
  const statements = {
    heartbeat: db.prepare('INSERT INTO group_members (grp, member_id, expires_ms) VALUES (?, ?, ?) ON CONFLICT (grp, member_id) DO UPDATE SET expires_ms = excluded.expires_ms'),
    expiredOwners: db.prepare('DELETE FROM partition_owners WHERE grp = ? AND member_id IN (SELECT member_id FROM group_members WHERE grp = ? AND expires_ms < ?)'),
    expire: db.prepare('DELETE FROM group_members WHERE grp = ? AND expires_ms < ?'),
    members: db.prepare<[string], { member_id: string }>('SELECT member_id FROM group_members WHERE grp = ?'),
    owners: db.prepare<[string], { topic: string; partition: number; member_id: string }>('SELECT topic, partition, member_id FROM partition_owners WHERE grp = ?'),
    claim: db.prepare('INSERT INTO partition_owners (grp, topic, partition, member_id) VALUES (?, ?, ?, ?)'),
    release: db.prepare('DELETE FROM partition_owners WHERE grp = ? AND topic = ? AND partition = ? AND member_id = ?'),
    owner: db.prepare<[string, string, number], { member_id: string }>('SELECT member_id FROM partition_owners WHERE grp = ? AND topic = ? AND partition = ?'),
    leaveOwners: db.prepare('DELETE FROM partition_owners WHERE grp = ? AND member_id = ?'),
    leave: db.prepare('DELETE FROM group_members WHERE grp = ? AND member_id = ?'),
  };

  const refresh = db.transaction(() => {
    const now = options.nowMs();
    statements.heartbeat.run(group, memberId, now + options.sessionTimeoutMs);
    statements.expiredOwners.run(group, group, now);
    statements.expire.run(group, now);
    const members = statements.members.all(group).map((row) => row.member_id);
    const desired = assignCopartitioned(members, options.partitions).get(memberId) ?? [];
    const wanted = new Set(desired.map(topicPartitionKey));
    const holders = new Map(statements.owners.all(group).map((row) => [topicPartitionKey(row), row.member_id]));
    for (const [key, holder] of holders) {
      if (holder !== memberId || wanted.has(key)) continue;
      const [topic, partition] = key.split('\u0000') as [string, string];
      statements.release.run(group, topic, Number(partition), memberId);
    }
    const owned: TopicPartition[] = [];
    for (const entry of desired) {
      const holder = holders.get(topicPartitionKey(entry));
      if (holder === undefined) statements.claim.run(group, entry.topic, entry.partition, memberId);
      if (holder === undefined || holder === memberId) owned.push(entry);
    }
    return { owned, complete: owned.length === desired.length };
  });

  return {
    refresh: () => refresh.immediate(),
    owns: (entry) => statements.owner.get(group, entry.topic, entry.partition)?.member_id === memberId,
    leave: db.transaction(() => {
      statements.leaveOwners.run(group, memberId);
      statements.leave.run(group, memberId);
    }),
  };
}
