import type { Bus, Clock, TopicNames } from '../core/ports.ts';
import type { SealerConfig } from './config.ts';
import { createSealCore, type SealerCounts } from './seal-core.ts';
import type { NoteSigner } from './signer.ts';
import type { ChainStore, StoredOffset } from './store.ts';

export type { SealerCounts } from './seal-core.ts';

export const SEAL_GROUP = 'keytrail-seal';

export interface SealerDeps {
  bus: Bus;
  topics: TopicNames;
  store: ChainStore;
  signers: readonly NoteSigner[];
  clock: Clock;
  config: SealerConfig;
}

export interface Sealer {
  readonly counts: SealerCounts;
  /**
   * Consumes `records` until idle (backfill) or aborted (streaming), with a timer that signs due and
   * heartbeat checkpoints, then signs a final checkpoint so a stopped log ends signed.
   */
  run(options: { untilIdle: boolean; signal?: AbortSignal }): Promise<void>;
  /** Signs a checkpoint if one is due; what the timer calls. */
  tick(): boolean;
  /** The offsets stored with the entries, for a bus that lets the consumer choose where to resume. */
  storedOffsets(): StoredOffset[];
}

/** How often the timer asks whether a checkpoint is due: fine enough for the cadence, at most 1 s. */
function tickIntervalMs(config: SealerConfig): number {
  return Math.max(10, Math.min(config.checkpointEveryMs, config.heartbeatMs, 1_000));
}

export function createSealer(deps: SealerDeps): Sealer {
  const core = createSealCore(deps);
  return {
    counts: core.counts,
    tick: core.tick,
    storedOffsets: () => deps.store.storedOffsets(),
    async run(options) {
      const stop = new AbortController();
      let timerError: unknown;
      const timer = setInterval(() => {
        try {
          core.tick();
        } catch (error) {
          timerError = error;
          stop.abort();
        }
      }, tickIntervalMs(deps.config));
      try {
        core.tick();
        await deps.bus.consume({
          group: SEAL_GROUP,
          topics: [deps.topics.records],
          maxBatchMessages: deps.config.maxBatchMessages,
          untilIdle: options.untilIdle,
          // The offsets stored in the chain store's own transactions say exactly what is sealed: resume there.
          resumeFrom: (partition) => deps.store.storedOffsets().find((stored) => stored.topic === partition.topic && stored.partition === partition.partition)?.nextOffset,
          signal: options.signal === undefined ? stop.signal : AbortSignal.any([options.signal, stop.signal]),
          handleBatch: async (batch) => {
            // Dead letters are published after the entries are durable; a crash in between replays the
            // batch, whose records are then duplicates and whose bad messages are dead-lettered again.
            await deps.bus.publish(deps.topics.deadLetter, core.sealBatch(batch));
          },
        });
      } finally {
        clearInterval(timer);
      }
      if (timerError !== undefined) throw timerError;
      core.checkpointNow();
    },
  };
}
