// A sealer process for crash tests: seals the records topic of DATA_DIR's bus until idle and prints
// one line per handled batch, so the test can kill -9 it at a known point of progress.
import { createSqliteBus } from '../../src/bus/sqlite-bus.ts';
import { createTopicNames } from '../../src/bus/topics.ts';
import { dataDirPath } from '../../src/core/data-dir.ts';
import type { Bus } from '../../src/core/ports.ts';
import { systemClock } from '../../src/core/ports.ts';
import { parseSealerConfig } from '../../src/seal/config.ts';
import { createSealer } from '../../src/seal/sealer.ts';
import { createNoteSigner } from '../../src/seal/signer.ts';
import { openChainStore } from '../../src/seal/store.ts';

const [dataDir, signerKey, origin] = process.argv.slice(2) as [string, string, string];
const bus = createSqliteBus({ path: dataDirPath(dataDir, 'bus') });
let batches = 0;
const reporting: Bus = {
  publish: (topic, messages) => bus.publish(topic, messages),
  close: () => bus.close(),
  consume: (options) =>
    bus.consume({
      ...options,
      handleBatch: async (batch) => {
        await options.handleBatch(batch);
        batches += 1;
        process.stdout.write(`batch ${batches}\n`);
      },
    }),
};
const store = openChainStore(dataDirPath(dataDir, 'chain'), origin);
const config = parseSealerConfig({ checkpointEveryEntries: 100, maxBatchMessages: 50 });
const sealer = createSealer({ bus: reporting, topics: createTopicNames(), store, signers: [createNoteSigner(signerKey)], clock: systemClock, config });
await sealer.run({ untilIdle: true });
store.close();
await bus.close();
process.stdout.write('done\n');
