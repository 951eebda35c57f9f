import { join } from 'node:path';
import { createSqliteBus } from '../../src/bus/sqlite-bus.ts';
import { createTopicNames } from '../../src/bus/topics.ts';
import { canonicalBytes } from '../../src/core/canonical-json.ts';
import { sha256Hex } from '../../src/core/hash.ts';
import { appEventPartitionKey, kmsEventPartitionKey } from '../../src/core/partition-key.ts';
import type { Bus, Clock } from '../../src/core/ports.ts';
import type { AppEvent, IngestedAppEvent } from '../../src/core/schemas/app-event.ts';
import type { KmsEvent } from '../../src/core/schemas/kms-event.ts';
import { AttributedRecord } from '../../src/core/schemas/record.ts';
import { parseCorrelateConfig, type CorrelateConfigInput } from '../../src/correlate/config.ts';
import { createCorrelator, type Correlator } from '../../src/correlate/correlator.ts';
import { openJoinState, type JoinState } from '../../src/correlate/state.ts';

export const T0 = Date.parse('2026-01-10T12:00:00Z');

/** A clock the test moves by hand. */
export function createManualClock(startMs: number): Clock & { advance(ms: number): void } {
  let now = startMs;
  return { now: () => new Date(now), advance: (ms) => void (now += ms) };
}

let counter = 0;
const nextId = (prefix: string): string => `${prefix}-${(counter += 1).toString().padStart(6, '0')}`;

/** A KMS event at T0 + `atSeconds`; AWS Decrypt by app-role with its own request id unless told otherwise. */
export function kmsEvent(atSeconds: number, overrides: Partial<KmsEvent> = {}): KmsEvent {
  const event: KmsEvent = {
    v: 1,
    provider: 'aws',
    eventId: nextId('evt'),
    eventTime: new Date(T0 + atSeconds * 1000).toISOString(),
    ingestTime: new Date(T0 + atSeconds * 1000).toISOString(),
    operation: 'decrypt',
    rawOperation: 'Decrypt',
    keyId: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    keyVersion: null,
    principal: { id: 'arn:aws:sts::111122223333:assumed-role/app-role/s1', type: 'AssumedRole' },
    account: '111122223333',
    region: 'eu-west-1',
    sourceIp: '198.51.100.7',
    userAgent: null,
    outcome: 'success',
    errorCode: null,
    joinKeys: { requestId: nextId('req') },
    invokedBy: null,
    rawSha256: '0'.repeat(64),
    ...overrides,
  };
  return { ...event, rawSha256: overrides.rawSha256 ?? sha256Hex(canonicalBytes({ ...event, ingestTime: null })) };
}

/** An app event at T0 + `atSeconds`, by alice, for the given KMS call's keys unless told otherwise. */
export function appEvent(atSeconds: number, overrides: Partial<AppEvent> = {}): IngestedAppEvent {
  const event: AppEvent = {
    eventId: nextId('app'),
    time: new Date(T0 + atSeconds * 1000).toISOString(),
    app: 'orders-api',
    user: { id: 'alice@acme.example', tenant: 'acme' },
    operation: 'decrypt',
    provider: 'aws',
    keyId: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    ...overrides,
  };
  return { v: 1, source: 'test', ingestTime: event.time, rawSha256: sha256Hex(canonicalBytes(event)), event };
}

export interface Harness {
  bus: Bus;
  clock: ReturnType<typeof createManualClock>;
  correlator: Correlator;
  state: JoinState;
  publish(...events: (KmsEvent | IngestedAppEvent)[]): Promise<void>;
  /** Consumes everything published so far. */
  drain(): Promise<void>;
  /** Publishes and consumes the events one at a time, so the correlator sees exactly this order across both topics. */
  feed(...events: (KmsEvent | IngestedAppEvent)[]): Promise<void>;
  /** Every record published so far. */
  records(): Promise<AttributedRecord[]>;
  /** Closes the state and opens it again with a new correlator, as a process restart does. */
  restart(): void;
  close(): Promise<void>;
}

export function createHarness(directory: string, config: CorrelateConfigInput = {}, options: { bus?: Bus } = {}): Harness {
  const bus = options.bus ?? createSqliteBus({ path: join(directory, 'bus.db'), partitions: 1 });
  const topics = createTopicNames();
  const clock = createManualClock(T0 + 3_600_000);
  const parsed = parseCorrelateConfig(config);
  const statePath = join(directory, 'correlate.db');
  const harness: Harness = {
    bus,
    clock,
    state: openJoinState(statePath),
    correlator: undefined as unknown as Correlator,
    async publish(...events) {
      for (const event of events) {
        if ('event' in event) await bus.publish(topics.appEvents, [{ key: appEventPartitionKey(event.event), value: canonicalBytes(event) }]);
        else await bus.publish(topics.kmsEvents, [{ key: kmsEventPartitionKey(event), value: canonicalBytes(event) }]);
      }
    },
    drain: () => harness.correlator.run({ untilIdle: true }),
    async feed(...events) {
      for (const event of events) {
        await harness.publish(event);
        await harness.drain();
      }
    },
    async records() {
      const records: AttributedRecord[] = [];
      await bus.consume({
        group: nextId('reader'),
        topics: [topics.records],
        untilIdle: true,
        handleBatch: async (batch) => void records.push(...batch.map((message) => AttributedRecord.parse(JSON.parse(message.value.toString('utf8'))))),
      });
      return records;
    },
    restart() {
      harness.state.close();
      harness.state = openJoinState(statePath);
      harness.correlator = createCorrelator({ bus, topics, state: harness.state, clock, config: parsed });
    },
    async close() {
      harness.state.close();
      await bus.close();
    },
  };
  harness.correlator = createCorrelator({ bus, topics, state: harness.state, clock, config: parsed });
  return harness;
}
