import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExportReport } from '../src/export/export-bundles.ts';
import { verifyPath } from '../src/verify/data-dir.ts';
import { REPO_ROOT, runCli } from './helpers/cli.ts';
import { lsattrImmutable, useWormDestinations, sealMore } from './helpers/export-env.ts';
import { sealLog } from './helpers/sealed-log.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();
const destination = useWormDestinations(tempDir);

const BIN = join(REPO_ROOT, 'bin', 'keytrail.js');

describe('keytrail export (CLI)', () => {
  it('says in its report when the immutable attribute could not be set, and why', () => {
    const log = sealLog(join(tempDir(), 'sealed'));
    const to = destination();
    // Without CAP_LINUX_IMMUTABLE (dropped from the bounding set, so even root lacks it) chattr +i is refused.
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} export --data-dir ${JSON.stringify(log.dataDir)} --to ${JSON.stringify(to)}`;
    const capsh = existsSync('/usr/sbin/capsh') ? '/usr/sbin/capsh' : 'capsh';
    const text = spawnSync(capsh, ['--drop=cap_linux_immutable', '--', '-c', command], { encoding: 'utf8', cwd: REPO_ROOT });
    if (text.error !== undefined) throw new Error(`capsh (libcap2-bin) is needed to run export without CAP_LINUX_IMMUTABLE: ${text.error.message}`);
    expect(text.stderr).toBe('');
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/immutable attribute NOT set on 12 of 12 \(.*Operation not permitted.*\); files are read-only \(0444\); see .*export-reports\/bundle-000001\.json/);
    const report = JSON.parse(readFileSync(join(to, 'export-reports', 'bundle-000001.json'), 'utf8')) as { immutable: { path: string; immutable: { set: boolean; reason: string } }[] };
    for (const file of report.immutable) {
      expect(file.immutable).toEqual({ set: false, reason: expect.stringContaining('Operation not permitted') });
      expect(lsattrImmutable(join(to, 'bundle-000001', file.path))).toBe(false);
    }
  });

  it('prints a JSON report with the immutable state of every file where it could be set', () => {
    const log = sealLog(join(tempDir(), 'sealed'));
    const to = destination();
    const result = runCli(['export', '--data-dir', log.dataDir, '--to', to, '--json']);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as ExportReport;
    expect(report).toMatchObject({ destination: to, resumedAfter: null, entries: 40, chain: { size: 40, exportedTo: 40 } });
    for (const file of report.bundles[0]!.files) expect(file.immutable!.set).toBe(lsattrImmutable(join(to, 'bundle-000001', file.path)));
  });

  it('leaves only complete bundles when killed mid-export, and the next export finishes the job', async () => {
    const log = sealLog(join(tempDir(), 'sealed'));
    sealMore(log, 160);
    const to = destination();
    const config = join(tempDir(), 'export.yaml');
    writeFileSync(config, 'bundleMaxEntries: 40\nsegmentMaxEntries: 1\nimmutable: off\n');
    mkdirSync(to);
    const child = spawn(process.execPath, [BIN, 'export', '--data-dir', log.dataDir, '--to', to, '--config', config], { cwd: REPO_ROOT, stdio: 'ignore' });
    // SIGKILL as soon as the second bundle's staging directory appears: no chance to clean up.
    await new Promise<void>((resolve) => {
      const watcher = watch(to, (_event, name) => {
        if (name === null || !name.startsWith('.staging-bundle-000002')) return;
        child.kill('SIGKILL');
        watcher.close();
        resolve();
      });
      child.once('exit', () => {
        watcher.close();
        resolve();
      });
    });
    await new Promise((resolve) => (child.exitCode === null && child.signalCode === null ? child.once('exit', resolve) : resolve(undefined)));
    expect(child.signalCode).toBe('SIGKILL');
    for (const name of readdirSync(to).filter((entry) => entry.startsWith('bundle-'))) expect(existsSync(join(to, name, 'manifest.json'))).toBe(true);
    const partial = await verifyPath(to, { workers: 0, trustedKeys: [log.verifierKey] });
    expect(partial.ok).toBe(true);
    const resumed = runCli(['export', '--data-dir', log.dataDir, '--to', to, '--config', config, '--json']);
    expect(resumed.status).toBe(0);
    expect(readdirSync(to).filter((entry) => entry.startsWith('.staging-'))).toEqual([]);
    const final = await verifyPath(to, { workers: 0, trustedKeys: [log.verifierKey] });
    expect(final).toMatchObject({ ok: true, entries: 200 });
  });

  it('exits 2 for a destination it cannot write to and 3 when the data directory has no chain', () => {
    const log = sealLog(join(tempDir(), 'sealed'));
    expect(runCli(['export', '--data-dir', log.dataDir, '--to', 'ftp://example.com/x']).status).toBe(2);
    expect(runCli(['export', '--data-dir', log.dataDir]).stderr).toContain('CLI_CONFIG_INVALID');
    const empty = runCli(['export', '--data-dir', join(tempDir(), 'nothing'), '--to', destination()]);
    expect(empty.status).toBe(3);
    expect(empty.stderr).toContain('error CLI_IO');
  });
});
