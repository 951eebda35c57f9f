/**
 * bench:correlate — the correlator over generated scenarios of 1 M and 10 M events (or the counts given):
 * events per second and peak RSS, with RSS sampled every tenth of the way to show it does not grow with
 * the count. Each count runs in its own process so its peak RSS is its own. The scenario's generation
 * and its ingest (raw provider records through the normalisers, Vault pairing and two ingest states, as
 * in the accuracy test) run in the same process; their share is measured in the same run on a prefix and
 * printed beside.
 *
 *   npm run bench:correlate [-- 1000000 10000000]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTopicNames } from '../src/bus/topics.ts';
import { createCorrelator } from '../src/correlate/correlator.ts';
import { openJoinState } from '../src/correlate/state.ts';
import { generateRawDeliveries, windowsFromConfig } from '../test/scenario/generate.ts';
import { ingestToDeliveries } from '../test/scenario/pipeline.ts';
import { FIXED_CLOCK, scenarioConfig } from '../test/scenario/run-once.ts';
import { createGeneratorBus } from './generator-bus.ts';

const SEED = 424242;
const PARTITIONS = 3;
const PREFIX_FOR_GENERATOR_RATE = 200_000;

interface ChildResult {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  generatorOnlyEventsPerSecond: number;
  peakRssMiB: number;
  rssMiBByTenth: number[];
  records: number;
  /** The correlator's state file (the ingest states beside it are not counted). */
  stateMiB: number;
}

async function runChild(events: number): Promise<ChildResult> {
  const config = scenarioConfig();
  const windows = windowsFromConfig(config);
  const topics = createTopicNames();
  const directory = mkdtempSync(join(tmpdir(), 'keytrail-bench-'));
  const prefixStart = performance.now();
  let prefix = 0;
  const prefixRaw = generateRawDeliveries({ seed: SEED + 1, events: Math.min(events, PREFIX_FOR_GENERATOR_RATE), windows });
  for await (const _ of ingestToDeliveries(prefixRaw, { topics, directory: mkdtempSync(join(directory, 'prefix-')) })) prefix += 1;
  const generatorOnlyEventsPerSecond = prefix / ((performance.now() - prefixStart) / 1000);

  const rssByTenth: number[] = [];
  let seen = 0;
  const tenth = Math.ceil(events / 10);
  const ingestDirectory = mkdtempSync(join(directory, 'ingest-'));
  const counted = (async function* () {
    for await (const delivery of ingestToDeliveries(generateRawDeliveries({ seed: SEED, events, windows }), { topics, directory: ingestDirectory })) {
      seen += 1;
      if (seen % tenth === 0) rssByTenth.push(Math.round(process.memoryUsage().rss / 2 ** 20));
      yield delivery;
    }
  })();
  const bus = createGeneratorBus(counted, topics, PARTITIONS);
  const state = openJoinState(join(directory, 'correlate.db'));
  try {
    const started = performance.now();
    const correlator = createCorrelator({ bus, topics, state, clock: FIXED_CLOCK, config });
    await correlator.run({ untilIdle: true });
    await correlator.closeAll();
    const seconds = (performance.now() - started) / 1000;
    const stateBytes = spawnSync('du', ['-sbc', ...readdirSync(directory).filter((name) => name.startsWith('correlate.db')).map((name) => join(directory, name))], { encoding: 'utf8' }).stdout.trim().split('\n').pop()!.split('\t')[0];
    return {
      events: seen,
      seconds,
      eventsPerSecond: seen / seconds,
      generatorOnlyEventsPerSecond,
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      rssMiBByTenth: rssByTenth,
      records: correlator.counts.records,
      stateMiB: Math.round(Number(stateBytes) / 2 ** 20),
    };
  } finally {
    state.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

function runParent(counts: number[]): void {
  const self = fileURLToPath(import.meta.url);
  const results: ChildResult[] = [];
  for (const events of counts) {
    const child = spawnSync(process.execPath, ['--no-warnings', self, '--child', String(events)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (child.status !== 0) throw new Error(`the ${events}-event run failed with status ${child.status}`);
    const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as ChildResult;
    results.push(result);
    console.log(
      `${String(result.events).padStart(10)} events  ${result.seconds.toFixed(1).padStart(7)} s  ${Math.round(result.eventsPerSecond).toString().padStart(6)} events/s` +
        `  (generator and ingest alone ${Math.round(result.generatorOnlyEventsPerSecond)} events/s)  peak RSS ${result.peakRssMiB} MiB  RSS by tenth [${result.rssMiBByTenth.join(' ')}] MiB` +
        `  ${result.records} records  state ${result.stateMiB} MiB`,
    );
  }
  if (results.length > 1) {
    const [first, last] = [results[0]!, results[results.length - 1]!];
    console.log(`ratio ${last.events / first.events}x events: peak RSS ${(last.peakRssMiB / first.peakRssMiB).toFixed(2)}x, events/s ${(last.eventsPerSecond / first.eventsPerSecond).toFixed(2)}x`);
  }
}

const args = process.argv.slice(2);
if (args[0] === '--child') console.log(JSON.stringify(await runChild(Number(args[1]))));
else runParent(args.length > 0 ? args.map(Number) : [1_000_000, 10_000_000]);
