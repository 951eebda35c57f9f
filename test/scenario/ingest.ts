import { join } from 'node:path';
import type { Bus, Clock, TopicNames } from '../../src/core/ports.ts';
import type { KmsEvent } from '../../src/core/schemas/kms-event.ts';
import { createBatchPublisher, emptyCounts, type BatchPublisher, type IngestCounts } from '../../src/ingest/publisher.ts';
import type { ReadItem } from '../../src/ingest/read-json.ts';
import { INGEST_SOURCES } from '../../src/ingest/sources.ts';
import { openIngestState, type IngestState } from '../../src/ingest/state.ts';
import { createVaultPairer, type VaultPairer } from '../../src/ingest/vault/pairing.ts';
import type { KmsCall } from './calls.ts';
import { compareKmsEvent } from './expected.ts';
import { createGrpcRoundTrip } from './grpc-entry.ts';
import type { RawDelivery } from './render.ts';
import { registerKmsId, scenarioInputId, type ScenarioTruth } from './truth.ts';

export interface ScenarioIngestOptions {
  bus: Bus;
  topics: TopicNames;
  /** Where each ingest process keeps its state (`ingest-0.db`, `ingest-1.db`). */
  directory: string;
  /** Records handled between flushes of every input (each flush is durable on the bus, then in the ingest state). */
  batchSize?: number;
  /** Vault's pairTimeoutMs (the default of `inputs.vault.*`). */
  pairTimeoutMs?: number;
  truth?: ScenarioTruth;
}

export interface ScenarioIngest {
  /** Every input of both ingest processes together: read = published + deadLettered + filtered + duplicates + merged. */
  readonly counts: IngestCounts;
  add(delivery: RawDelivery): Promise<void>;
  /** End of input: parked Vault requests are published alone, every input flushed. */
  finish(): Promise<void>;
  close(): void;
}

interface Input {
  label: string;
  publisher: BatchPublisher;
  pairer?: VaultPairer;
}

/**
 * Raw records through keytrail's ingest path, as two ingest processes would take them: each input is a
 * batch publisher (normalise with the source's own normaliser, dead-letter, drop what the process's
 * ingest state has seen, publish, then commit); Vault inputs pair request and response entries with
 * the Vault pairer first, as the file follower and socket listener do. Time is each record's arrival.
 */
export function createScenarioIngest(options: ScenarioIngestOptions): ScenarioIngest {
  const { truth } = options;
  // With a truth to fill, every published KMS event is checked against the call it came from.
  const calls = new Map<string, KmsCall>();
  const bus = truth === undefined ? options.bus : tapKmsEvents(options.bus, options.topics, (event) => checkEvent(truth, calls, event));
  let nowMs = 0;
  const clock: Clock = { now: () => new Date(nowMs) };
  const counts = emptyCounts();
  const states: IngestState[] = [0, 1].map((index) => openIngestState(join(options.directory, `ingest-${index}.db`)));
  const inputs = new Map<string, Input>();
  const batchSize = options.batchSize ?? 2_000;
  const grpc = createGrpcRoundTrip();
  let pending = 0;
  let nextExpiryMs = 0;
  let position = 0;

  const inputFor = (delivery: RawDelivery): Input => {
    const label = `ingest-${delivery.route.ingest}/${delivery.source}:${delivery.route.input}`;
    let input = inputs.get(label);
    if (input === undefined) {
      const publisher = createBatchPublisher(INGEST_SOURCES[delivery.source]!, label, { bus, topics: options.topics, clock, state: states[delivery.route.ingest]! }, counts);
      const pairer = delivery.source === 'vault' ? createVaultPairer({ clock, timeoutMs: options.pairTimeoutMs ?? 60_000, maxParked: 100_000 }) : undefined;
      input = { label, publisher, ...(pairer === undefined ? {} : { pairer }) };
      inputs.set(label, input);
    }
    return input;
  };

  const addItems = (input: Input, items: readonly ReadItem[], delivery?: RawDelivery): void => {
    for (const item of items) {
      const outcome = input.publisher.add(item);
      pending += 1;
      if (outcome.kind === 'event' && delivery?.inputId !== undefined && truth !== undefined) {
        registerKmsId(truth, delivery.inputId, `kms:${delivery.source}:${outcome.dedupKey}`);
      }
    }
  };

  const flushAll = async (): Promise<void> => {
    for (const input of inputs.values()) {
      const changes = input.pairer?.takeChanges();
      const parked = changes !== undefined && changes.park.length + changes.release.length > 0;
      if (input.publisher.pending === 0 && !parked) continue;
      await input.publisher.flush(undefined, parked ? { source: input.label, ...changes } : undefined);
    }
    pending = 0;
  };

  /** Request entries whose response did not come within pairTimeoutMs go on alone (checked once a second). */
  const expireParked = (): void => {
    if (nowMs < nextExpiryMs) return;
    nextExpiryMs = nowMs + 1_000;
    for (const input of inputs.values()) if (input.pairer !== undefined) addItems(input, input.pairer.expire());
  };

  return {
    counts,
    async add(delivery) {
      nowMs = Math.max(nowMs, delivery.arrivalMs);
      expireParked();
      const input = inputFor(delivery);
      if (truth !== undefined && delivery.call !== undefined) calls.set(delivery.inputId!, delivery.call);
      const item = readItemOf(delivery, `${input.label}#${(position += 1)}`, grpc);
      addItems(input, input.pairer === undefined ? [item] : input.pairer.accept(item), delivery);
      if (pending >= batchSize) await flushAll();
    },
    async finish() {
      for (const input of inputs.values()) if (input.pairer !== undefined) addItems(input, input.pairer.drain());
      await flushAll();
    },
    close() {
      for (const state of states) state.close();
    },
  };
}

/** A bus that hands every KMS event published through it to `check` first. */
function tapKmsEvents(bus: Bus, topics: TopicNames, check: (event: KmsEvent) => void): Bus {
  return {
    async publish(topic, messages) {
      if (topic === topics.kmsEvents) for (const message of messages) check(JSON.parse(message.value.toString('utf8')) as KmsEvent);
      await bus.publish(topic, messages);
    },
    consume: (consumeOptions) => bus.consume(consumeOptions),
    close: () => bus.close(),
  };
}

function checkEvent(truth: ScenarioTruth, calls: ReadonlyMap<string, KmsCall>, event: KmsEvent): void {
  const id = scenarioInputId(truth, `kms:${event.provider}:${event.eventId}`);
  const call = calls.get(id);
  truth.eventsChecked += 1;
  const problems = call === undefined ? ['no call of the scenario has this id'] : compareKmsEvent(call, event);
  if (problems.length > 0) truth.fieldMismatches.push(`${id} (${event.rawOperation}): ${problems.join('; ')}`);
}

/** The record as its input reads it: JSON text parsed back (what a file or an API page holds), or a gRPC entry decoded. */
function readItemOf(delivery: RawDelivery, position: string, grpc: ReturnType<typeof createGrpcRoundTrip>): ReadItem {
  if (delivery.source === 'gcp' && delivery.route.input === 'api') return grpc(delivery.record, position);
  const raw = Buffer.from(JSON.stringify(delivery.record), 'utf8');
  return { ok: true, value: JSON.parse(raw.toString('utf8')) as unknown, raw, position };
}
