import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { GROUP_SCHEMA, joinGroup } from './sqlite-group.ts';

const PARTITIONS = [0, 1, 2, 3].map((partition) => ({ topic: 'records', partition }));

function openGroupDb(): { db: Database.Database; clock: { ms: number } } {
  const db = new Database(':memory:');
  db.exec(GROUP_SCHEMA);
  return { db, clock: { ms: 1_000_000 } };
}

describe('embedded bus consumer groups', () => {
  it('hands a partition to a new member only after its owner released it between batches', () => {
    const { db, clock } = openGroupDb();
    const options = { group: 'g', partitions: PARTITIONS, sessionTimeoutMs: 10_000, nowMs: () => clock.ms };
    const a = joinGroup(db, { ...options, memberId: 'a' });
    expect(a.refresh()).toEqual({ owned: PARTITIONS, complete: true });
    const b = joinGroup(db, { ...options, memberId: 'b' });
    // b is assigned partitions 1 and 3, but a still holds them until its next poll.
    expect(b.refresh()).toEqual({ owned: [], complete: false });
    expect(a.refresh()).toEqual({ owned: [PARTITIONS[0], PARTITIONS[2]], complete: true });
    expect(b.refresh()).toEqual({ owned: [PARTITIONS[1], PARTITIONS[3]], complete: true });
  });

  it('expires a member that stopped polling, gives its partitions away and fences its late commits', () => {
    const { db, clock } = openGroupDb();
    const options = { group: 'g', partitions: PARTITIONS, sessionTimeoutMs: 10_000, nowMs: () => clock.ms };
    const crashed = joinGroup(db, { ...options, memberId: 'a' });
    const survivor = joinGroup(db, { ...options, memberId: 'b' });
    crashed.refresh();
    survivor.refresh();
    crashed.refresh();
    expect(crashed.owns(PARTITIONS[0]!)).toBe(true);
    clock.ms += 10_001;
    expect(survivor.refresh()).toEqual({ owned: PARTITIONS, complete: true });
    expect(crashed.owns(PARTITIONS[0]!)).toBe(false);
  });

  it('releases everything when a member leaves, so the others take over at once', () => {
    const { db, clock } = openGroupDb();
    const options = { group: 'g', partitions: PARTITIONS, sessionTimeoutMs: 10_000, nowMs: () => clock.ms };
    const leaving = joinGroup(db, { ...options, memberId: 'a' });
    const staying = joinGroup(db, { ...options, memberId: 'b' });
    leaving.refresh();
    staying.refresh();
    leaving.leave();
    expect(staying.refresh()).toEqual({ owned: PARTITIONS, complete: true });
  });
});
