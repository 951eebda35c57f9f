import Database from 'better-sqlite3';
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();

function demoInto(dataDir: string) {
  const result = runCli(['demo', '--data-dir', dataDir]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result;
}

function entries(dataDir: string): { seq: number; bytes: Buffer }[] {
  const db = new Database(join(dataDir, 'chain.db'), { readonly: true });
  try {
    return db.prepare<[], { seq: number; bytes: Buffer }>('SELECT seq, bytes FROM entries ORDER BY seq').all();
  } finally {
    db.close();
  }
}

function tamper(dataDir: string, change: (db: Database.Database) => void): void {
  const db = new Database(join(dataDir, 'chain.db'));
  try {
    change(db);
  } finally {
    db.close();
  }
}

describe('keytrail demo', () => {
  it('prints the summary with attributed and unattributed records, the unexplained decrypts and a verified chain', () => {
    const { stdout } = demoInto(tempDir());
    expect(stdout).toMatch(/attributed\s+5\n/);
    expect(stdout).toMatch(/unattributed\s+2\n/);
    expect(stdout).toMatch(/unconfirmed\s+1\n/);
    expect(stdout).toContain('unattributed decrypts (2)');
    expect(stdout).toContain('assumed-role/batch-export/export-job-01 from 203.0.113.50');
    expect(stdout).toContain('dead-letter: 2 inputs');
    expect(stdout).toContain('INGEST_LINE_NOT_JSON');
    expect(stdout).toContain('INGEST_APP_EVENT_INVALID');
    expect(stdout).toMatch(/size\s+11 entries/);
    expect(stdout).toContain('checkpoint signature ✓ / chain ✓');
  });

  it('keeps malformed lines in the dead-letter topic with their reason and raw bytes', () => {
    const dataDir = tempDir();
    demoInto(dataDir);
    const db = new Database(join(dataDir, 'bus.db'), { readonly: true });
    const letters = db.prepare<[], { value: Buffer }>("SELECT value FROM messages WHERE topic = 'deadletter' ORDER BY offset").all().map((row) => JSON.parse(row.value.toString('utf8')));
    db.close();
    expect(letters.map((letter) => letter.code)).toEqual(['INGEST_LINE_NOT_JSON', 'INGEST_APP_EVENT_INVALID']);
    expect(letters[0].position).toMatch(/app-events\.ndjson:4$/);
    expect(Buffer.from(letters[0].rawBase64, 'base64').toString('utf8')).toContain('"frank@acme.exa');
    expect(letters[1].reason).toContain('user');
  });
});

describe('keytrail verify on a data directory', () => {
  it('exits 0 on an untouched directory', () => {
    const dataDir = tempDir();
    demoInto(dataDir);
    const result = runCli(['verify', dataDir]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('OK:');
  });

  it('exits 1 and names seq and reason when one byte of an entry changes', () => {
    const dataDir = tempDir();
    demoInto(dataDir);
    const victim = entries(dataDir)[4]!;
    const changed = Buffer.from(victim.bytes);
    const at = changed.indexOf('"sealedAt":"') + 12;
    changed[at] = changed[at] === 0x32 ? 0x33 : 0x32;
    tamper(dataDir, (db) => db.prepare('UPDATE entries SET bytes = ? WHERE seq = ?').run(changed, 4));
    const result = runCli(['verify', dataDir, '--json']);
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.firstDivergence).toBe(4);
    expect(report.findings[0]).toMatchObject({ code: 'VERIFY_ENTRY_HASH_MISMATCH', seq: 4 });
    expect(report.findings.map((finding: { code: string }) => finding.code)).toContain('VERIFY_PREV_MISMATCH');
  });

  it('exits 1 and names the gap when an entry is deleted', () => {
    const dataDir = tempDir();
    demoInto(dataDir);
    tamper(dataDir, (db) => db.prepare('DELETE FROM entries WHERE seq = 6').run());
    const result = runCli(['verify', dataDir]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('first divergence at seq 6');
    expect(result.stdout).toMatch(/seq 6 .*VERIFY_SEQ_GAP\s+seq 6 missing: the entry here carries seq 7/);
  });

  it('exits 1 and names the first swapped position when two entries trade places', () => {
    const dataDir = tempDir();
    demoInto(dataDir);
    const all = entries(dataDir);
    tamper(dataDir, (db) => {
      const update = db.prepare('UPDATE entries SET bytes = ?, hash = ? WHERE seq = ?');
      const hashOf = db.prepare<[number], { hash: Buffer }>('SELECT hash FROM entries WHERE seq = ?');
      const [hash2, hash8] = [hashOf.get(2)!.hash, hashOf.get(8)!.hash];
      update.run(all[8]!.bytes, hash8, 2);
      update.run(all[2]!.bytes, hash2, 8);
    });
    const result = runCli(['verify', dataDir, '--json']);
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.firstDivergence).toBe(2);
    expect(report.findings[0]).toMatchObject({ code: 'VERIFY_SEQ_GAP', seq: 2, expected: '2', actual: '8' });
  });

  it('exits 1 when the log is checked against a key the auditor holds that did not sign it', () => {
    const dataDir = tempDir();
    demoInto(dataDir);
    const keys = tempDir();
    expect(runCli(['keygen', '--name', 'keytrail.local/demo', '--out', keys]).status).toBe(0);
    const result = runCli(['verify', dataDir, '--key', join(keys, 'verifier.key')]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('VERIFY_CHECKPOINT_UNTRUSTED');
  });
});

describe('keytrail run --once', () => {
  it('backfills given files and reports per-input counts as JSON', () => {
    const dataDir = tempDir();
    const fixtures = join(import.meta.dirname, '..', 'fixtures', 'demo');
    const trail = readFileSync(join(fixtures, 'app-events.ndjson'));
    expect(trail.length).toBeGreaterThan(0);
    const result = runCli(['run', '--once', '--data-dir', dataDir, '--origin', 'example.com/audit', '--json', '--input', `app:${join(fixtures, 'app-events.ndjson')}`]);
    expect(result.status).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.inputs[0].counts).toMatchObject({ read: 8, published: 6, deadLettered: 2, duplicates: 0 });
    expect(summary.chain.kinds).toEqual({ unconfirmed: 6 });
    expect(runCli(['verify', dataDir]).status).toBe(0);
  });

  it('drops events already ingested when the same file is ingested again', () => {
    const dataDir = tempDir();
    const input = `app:${join(import.meta.dirname, '..', 'fixtures', 'demo', 'app-events.ndjson')}`;
    expect(runCli(['run', '--once', '--data-dir', dataDir, '--input', input]).status).toBe(0);
    const again = JSON.parse(runCli(['run', '--once', '--data-dir', dataDir, '--json', '--input', input]).stdout);
    expect(again.inputs[0].counts).toMatchObject({ published: 0, duplicates: 6, deadLettered: 2 });
    expect(again.chain.size).toBe(6);
  });

  it('exits 2 with a coded message for a malformed --input', () => {
    const result = runCli(['run', '--once', '--data-dir', tempDir(), '--input', 'nonsense']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^error CLI_INPUT_SPEC_INVALID: /);
  });

  it('exits 2 listing the problem for an unknown input source', () => {
    const result = runCli(['run', '--once', '--data-dir', tempDir(), '--input', 'ftp:/x']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^error CLI_CONFIG_INVALID: .*inputs\.\[0\]\.source/);
  });

  it('exits 3 when an input file cannot be read', () => {
    const result = runCli(['run', '--once', '--data-dir', tempDir(), '--input', 'aws:/nonexistent/trail.json.gz']);
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/^error INGEST_SOURCE_UNREADABLE: /);
  });
});

describe('keytrail keygen', () => {
  it('writes a 0600 signer key and a C2SP verifier key, and never overwrites them', () => {
    const out = tempDir();
    const result = runCli(['keygen', '--name', 'example.com/log', '--out', out]);
    expect(result.status).toBe(0);
    expect(statSync(join(out, 'signer.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(out, 'signer.key'), 'utf8')).toMatch(/^PRIVATE\+KEY\+example\.com\/log\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}\n$/);
    expect(readFileSync(join(out, 'verifier.key'), 'utf8')).toMatch(/^example\.com\/log\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}\n$/);
    expect(result.stdout).not.toContain('PRIVATE');
    const again = runCli(['keygen', '--name', 'example.com/log', '--out', out]);
    expect(again.status).toBe(3);
    expect(again.stderr).toContain('never overwrites');
  });

  it('exits 2 for a key name with a plus sign', () => {
    expect(runCli(['keygen', '--name', 'bad+name', '--out', tempDir()]).status).toBe(2);
  });
});

describe('keytrail (no command or unknown command)', () => {
  it('prints usage and exits 2', () => {
    expect(runCli([]).status).toBe(2);
    const unknown = runCli(['frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('error CLI_USAGE');
  });
});
