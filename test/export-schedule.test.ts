import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBackfill } from '../src/app.ts';
import { listDemoInputs } from '../src/cli/demo.ts';
import { dataDirPath } from '../src/core/data-dir.ts';
import { parseExportConfig } from '../src/export/config.ts';
import { isExportDue, startExportSchedule } from '../src/export/schedule.ts';
import { openChainReader } from '../src/seal/chain-reader.ts';
import { verifyPath } from '../src/verify/data-dir.ts';
import { runCli } from './helpers/cli.ts';
import { useWormDestinations, sealMore } from './helpers/export-env.ts';
import { createManualClock } from './helpers/records.ts';
import { sealLog } from './helpers/sealed-log.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();
const destination = useWormDestinations(tempDir);

const bundlesIn = (dir: string): string[] => readdirSync(dir).filter((name) => name.startsWith('bundle-')).sort();

describe('scheduled export', () => {
  it('is due after everyEntries new entries or everyMs, whichever comes first', () => {
    const schedule = { everyEntries: 100, everyMs: 60_000 };
    expect(isExportDue(schedule, { lastRunAt: 0, exportedTo: 1000 }, 59_999, 1099)).toBe(false);
    expect(isExportDue(schedule, { lastRunAt: 0, exportedTo: 1000 }, 59_999, 1100)).toBe(true);
    expect(isExportDue(schedule, { lastRunAt: 0, exportedTo: 1000 }, 60_000, 1000)).toBe(true);
    expect(isExportDue({ everyEntries: 100 }, { lastRunAt: 0, exportedTo: 0 }, 10 ** 12, 99)).toBe(false);
    expect(isExportDue({}, { lastRunAt: 0, exportedTo: 0 }, 10 ** 12, 10 ** 6)).toBe(false);
  });

  it('exports when due, resumes on each run, and exports the rest when the pipeline stops', async () => {
    const log = sealLog(join(tempDir(), 'sealed'));
    const to = destination();
    const clock = createManualClock('2026-01-10T14:00:00.000Z');
    const schedule = startExportSchedule({
      config: parseExportConfig({ to, bundleMaxEntries: 16, schedule: { everyEntries: 30, everyMs: 3_600_000 } }),
      clock,
      openReader: () => openChainReader(dataDirPath(log.dataDir, 'chain')),
      verifierKeys: () => [log.verifierKey],
    });
    await schedule.tick(); // 40 entries, none exported: due
    expect(bundlesIn(to)).toEqual(['bundle-000001', 'bundle-000002', 'bundle-000003']);
    sealMore(log, 20);
    await schedule.tick(); // 20 new entries, 30 wanted, and less than an hour: not due
    expect(bundlesIn(to)).toHaveLength(3);
    clock.advance(3_600_000);
    await schedule.tick();
    expect(bundlesIn(to)).toEqual(['bundle-000001', 'bundle-000002', 'bundle-000003', 'bundle-000004', 'bundle-000005']);
    sealMore(log, 4, '2026-01-10T15:00:00.000Z');
    const summary = await schedule.finish();
    expect(summary).toEqual({ destination: to, runs: 3, bundles: ['bundle-000001', 'bundle-000002', 'bundle-000003', 'bundle-000004', 'bundle-000005', 'bundle-000006'], entries: 64, failures: [] });
    expect(await verifyPath(to, { workers: 0, trustedKeys: [log.verifierKey] })).toMatchObject({ ok: true, entries: 64 });
  });

  it('runs inside keytrail run --once and leaves the sealed log exported', async () => {
    const dataDir = join(tempDir(), 'data');
    const to = destination();
    const summary = await runBackfill({ dataDir, origin: 'example.com/export-run', inputs: listDemoInputs(), export: { to, schedule: { everyEntries: 5 } } });
    expect(summary.export).toMatchObject({ destination: to, bundles: ['bundle-000001'], entries: summary.chain.size, failures: [] });
    const report = await verifyPath(to, { workers: 0 });
    expect(report).toMatchObject({ ok: true, entries: summary.chain.size });
  });

  it('takes --export-to on the command line and reports the export', () => {
    const dataDir = join(tempDir(), 'data');
    const to = destination();
    const inputs = listDemoInputs().flatMap((input) => ['--input', `${input.source}:${input.path}`]);
    const result = runCli(['run', '--once', '--data-dir', dataDir, ...inputs, '--export-to', to, '--export-every-entries', '1000']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`export → ${to}\\n  1 bundle \\(\\d+ entries\\) in 1 run: bundle-000001`));
    expect(runCli(['verify', to]).status).toBe(0);
  });
});
