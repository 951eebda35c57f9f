import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_EVENTS_FILE, FIXTURES, VAULT_FILES } from './helpers/fixtures.ts';
import { runCli } from './helpers/cli.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();

describe('keytrail run --once with AWS, Vault and app inputs', () => {
  it('ingests every AWS, Vault and app fixture file, seals the records and verifies', () => {
    const dataDir = tempDir();
    const aws = readdirSync(join(FIXTURES, 'aws'))
      .filter((name) => name.endsWith('.json.gz'))
      .sort()
      .map((name) => `aws:${join(FIXTURES, 'aws', name)}`);
    const inputs = [...aws, `vault:${VAULT_FILES.hmac}`, `vault:${VAULT_FILES.raw}`, `vault:${VAULT_FILES.accessorRaw}`, `app:${APP_EVENTS_FILE}`];
    const run = runCli(['run', '--once', '--json', '--data-dir', dataDir, ...inputs.flatMap((input) => ['--input', input])]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout) as { inputs: { source: string; counts: { read: number; published: number; deadLettered: number } }[]; chain: { size: number } };
    expect(summary.inputs.map((input) => input.source)).toEqual(['aws', 'aws', 'aws', 'vault', 'vault', 'vault', 'app']);
    for (const input of summary.inputs) expect(input.counts.deadLettered).toBe(0);
    const published = summary.inputs.reduce((sum, input) => sum + input.counts.published, 0);
    expect(published).toBeGreaterThan(50);
    expect(summary.chain.size).toBeGreaterThan(0);
    const verify = runCli(['verify', dataDir]);
    expect(verify.status).toBe(0);
    expect(verify.stdout).toContain('OK:');
  });
});
