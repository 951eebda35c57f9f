import type { TopicPartition } from '../core/ports.ts';

/**
 * The group assignment both buses use: members sorted by name (then id), partition n of every topic to
 * member n mod count. Keeping partition n of kms.events and of app.events on one member is what lets one
 * correlator instance see both sides of a key (co-partitioning, as Kafka Streams requires). Sorting by a
 * name the member keeps across sessions (its instance id), rather than by the id the broker hands out on
 * every join, gives a member that rejoins under the same name the same partitions back.
 */
export function assignCopartitioned(memberIds: readonly string[], partitions: readonly TopicPartition[], nameOf: (memberId: string) => string = (memberId) => memberId): Map<string, TopicPartition[]> {
  const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const members = [...memberIds].sort((a, b) => compare(nameOf(a), nameOf(b)) || compare(a, b));
  const assignment = new Map<string, TopicPartition[]>(members.map((member) => [member, []]));
  if (members.length === 0) return assignment;
  const ordered = [...partitions].sort((a, b) => a.partition - b.partition || (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
  for (const entry of ordered) assignment.get(members[entry.partition % members.length]!)!.push(entry);
  return assignment;
}

export function topicPartitionKey(entry: TopicPartition): string {
  return `${entry.topic}\u0000${entry.partition}`;
}
