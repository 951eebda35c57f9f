import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataDirPath } from '../src/core/data-dir.ts';
import { runCli } from './helpers/cli.ts';
import { sealLog, type SealedLog } from './helpers/sealed-log.ts';
import { useSuiteTempDir } from './helpers/temp-dir.ts';

const suiteDir = useSuiteTempDir();
let log: SealedLog;
let keyFile: string;
let demoDir: string;

beforeAll(() => {
  log = sealLog(join(suiteDir(), 'sealed'));
  keyFile = dataDirPath(log.dataDir, 'verifierKey');
  demoDir = join(suiteDir(), 'demo');
  expect(runCli(['demo', '--data-dir', demoDir]).status).toBe(0);
});

function write(name: string, text: string): string {
  const path = join(suiteDir(), name);
  writeFileSync(path, text);
  return path;
}

describe('keytrail prove / verify-proof', () => {
  it('proves an entry under the newest checkpoint, and the proof checks offline', () => {
    const proved = runCli(['prove', '--data-dir', log.dataDir, '--seq', '13']);
    expect(proved.status).toBe(0);
    expect(JSON.parse(proved.stdout)).toMatchObject({ v: 1, type: 'inclusion', seq: 13, treeSize: 40 });
    const checked = runCli(['verify-proof', write('p13.json', proved.stdout), '--key', keyFile]);
    expect(checked).toMatchObject({ status: 0, stderr: '' });
    expect(checked.stdout).toBe(`OK: entry 13 is in the log of 40 entries (example.com/tamper-test), signed by ${log.verifierKey.split('+').slice(0, 2).join('+')}\n`);
  });

  it('proves against a checkpoint the auditor holds', () => {
    const note = log.model().checkpoints.find((checkpoint) => checkpoint.size === 16)!.note;
    const proved = runCli(['prove', '--data-dir', log.dataDir, '--seq', '3', '--checkpoint', write('cp16.note', note)]);
    expect(JSON.parse(proved.stdout)).toMatchObject({ seq: 3, treeSize: 16, checkpoint: note });
  });

  it('fails a proof whose entry was altered, and one checked against another key', () => {
    const proof = runCli(['prove', '--data-dir', log.dataDir, '--seq', '5']).stdout;
    const altered = runCli(['verify-proof', write('altered.json', proof.replace('export-job-01', 'export-job-02')), '--key', keyFile]);
    expect(altered.status).toBe(1);
    expect(altered.stdout).toContain('VERIFY_PROOF_INVALID');
    const otherKey = write('other.key', `${readFileSync(new URL('../fixtures/chain/verifier.key', import.meta.url), 'utf8')}`);
    const untrusted = runCli(['verify-proof', write('p5.json', proof), '--key', otherKey, '--json']);
    expect(untrusted.status).toBe(1);
    expect(JSON.parse(untrusted.stdout).findings[0].code).toBe('VERIFY_CHECKPOINT_UNTRUSTED');
  });

  it('refuses to check a proof without a key of the auditor, and an entry beyond the log', () => {
    expect(runCli(['verify-proof', write('p0.json', runCli(['prove', '--data-dir', log.dataDir, '--seq', '0']).stdout)]).status).toBe(2);
    const beyond = runCli(['prove', '--data-dir', log.dataDir, '--seq', '40']);
    expect(beyond.status).toBe(2);
    expect(beyond.stderr).toMatch(/^error SEAL_TREE_SIZE_UNKNOWN/);
  });
});

describe('keytrail consistency', () => {
  it('proves and checks that a newer checkpoint extends an older one, given as files or sizes', () => {
    const notes = log.model().checkpoints;
    const old = write('c8.note', notes.find((checkpoint) => checkpoint.size === 8)!.note);
    const byFiles = runCli(['consistency', old, write('c40.note', notes.at(-1)!.note), '--data-dir', log.dataDir, '--key', keyFile, '--json']);
    expect(byFiles.status).toBe(0);
    expect(JSON.parse(byFiles.stdout)).toMatchObject({ proof: { type: 'consistency', oldSize: 8, newSize: 40 }, report: { ok: true } });
    const bySizes = runCli(['consistency', '16', '24', '--data-dir', log.dataDir]);
    expect(JSON.parse(bySizes.stdout)).toMatchObject({ oldSize: 16, newSize: 24 });
    const checked = runCli(['verify-proof', write('c16-24.json', bySizes.stdout), '--key', keyFile]);
    expect(checked.stdout).toMatch(/^OK: the log of 24 entries extends the log of 16/);
    expect(runCli(['consistency', '24', '16', '--data-dir', log.dataDir]).status).toBe(2);
  });
});

describe('keytrail verify (CLI)', () => {
  it('prints a machine report with --json and keeps stderr quiet when it is not a terminal', () => {
    const result = runCli(['verify', log.dataDir, '--key', keyFile, '--as-of', log.verifiedAt.toISOString(), '--json']);
    expect(result).toMatchObject({ status: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, entries: 40, kind: 'data-dir', keys: { from: 'argument' }, findings: [] });
  });

  it('fails a stale head when judged now, and names it', () => {
    const result = runCli(['verify', log.dataDir, '--key', keyFile]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('VERIFY_STALE_HEAD');
  });
});

describe('keytrail query', () => {
  it('lists records of one user as NDJSON {seq, hash, record}', () => {
    const result = runCli(['query', '--data-dir', demoDir, '--user', 'alice@acme.example', '--json']);
    const rows = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(['seq', 'hash', 'record']);
      expect(row.record.user.id).toBe('alice@acme.example');
      expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('filters by kind, KMS key and event time, and prints a table by default', () => {
    const key = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const all = runCli(['query', '--data-dir', demoDir, '--json']).stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    const expected = all.filter((row) => row.record.kind === 'unattributed' && [row.record.keyId, row.record.kmsEvent?.keyId].includes(key) && row.record.eventTime >= '2026-01-10T12:00:00Z' && row.record.eventTime < '2026-01-10T13:00:00Z');
    expect(expected.length).toBeGreaterThan(0);
    const filtered = runCli(['query', '--data-dir', demoDir, '--kind', 'unattributed', '--key', key, '--since', '2026-01-10T12:00:00Z', '--until', '2026-01-10T13:00:00Z', '--json']);
    expect(filtered.stdout.trimEnd().split('\n').map((line) => JSON.parse(line).seq)).toEqual(expected.map((row) => row.seq));
    const table = runCli(['query', '--data-dir', demoDir, '--kind', 'unattributed', '--key', key]);
    expect(table.stdout.split('\n')[0]).toMatch(/^\s+seq\s+event time\s+kind/);
    expect(table.stdout).toContain(`${expected.length} record${expected.length === 1 ? '' : 's'}\n`);
    expect(runCli(['query', '--data-dir', demoDir, '--kind', 'nonsense']).status).toBe(2);
  });
});
