import { z } from 'zod';
import type { TopicNames } from '../core/ports.ts';

export type { TopicNames };

export const TopicConfig = z.strictObject({
  prefix: z.string().regex(/^[A-Za-z0-9._-]*$/, 'Kafka topic names allow letters, digits, ".", "_" and "-"').default(''),
});
export type TopicConfig = z.infer<typeof TopicConfig>;

/** The topic layout. Topic names are decided here and nowhere else. */
export function createTopicNames(config: TopicConfig = { prefix: '' }): TopicNames {
  const name = (base: string): string => `${config.prefix}${base}`;
  return {
    kmsEvents: name('kms.events'),
    appEvents: name('app.events'),
    records: name('records'),
    deadLetter: name('deadletter'),
  };
}

export function listTopics(topics: TopicNames): string[] {
  return [topics.kmsEvents, topics.appEvents, topics.records, topics.deadLetter];
}
