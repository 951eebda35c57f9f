import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

export const AWS_FILES = {
  /** Account 111122223333, delivered 12:15Z: data-plane calls, failures, service-invoked calls, a near miss. */
  dataPlane: join(FIXTURES, 'aws', '111122223333_CloudTrail_eu-west-1_20260110T1215Z_a1B2c3D4e5F6g7H8.json.gz'),
  /** Account 111122223333, delivered 12:30Z: key lifecycle, a late record, a second copy of an Encrypt record. */
  lifecycle: join(FIXTURES, 'aws', '111122223333_CloudTrail_eu-west-1_20260110T1230Z_Q9w8E7r6T5y4U3i2.json.gz'),
  /** Account 444455556666 (the caller of cross-account calls), delivered 12:15Z. */
  callerAccount: join(FIXTURES, 'aws', '444455556666_CloudTrail_eu-west-1_20260110T1215Z_Zx9Cv8Bn7Ml6Kj5H.json.gz'),
} as const;

export type CloudTrailFixtureRecord = Record<string, unknown> & { eventID: string; eventName: string; eventSource: string; eventTime: string };

export function loadCloudTrailRecords(path: string): CloudTrailFixtureRecord[] {
  return (JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as { Records: CloudTrailFixtureRecord[] }).Records;
}

export function loadAllCloudTrailRecords(): CloudTrailFixtureRecord[] {
  return readdirSync(join(FIXTURES, 'aws'))
    .filter((name) => name.endsWith('.json.gz'))
    .sort()
    .flatMap((name) => loadCloudTrailRecords(join(FIXTURES, 'aws', name)));
}

/** The one record of a file with this eventID. */
export function findRecord(records: readonly CloudTrailFixtureRecord[], eventID: string): CloudTrailFixtureRecord {
  const found = records.find((record) => record.eventID === eventID);
  if (found === undefined) throw new Error(`no fixture record with eventID ${eventID}`);
  return found;
}

export function readLines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '');
}

export const VAULT_FILES = {
  /** File audit device with default HMAC: every transit endpoint, failures, batch, namespace, a lost response. */
  hmac: join(FIXTURES, 'vault', 'audit.log'),
  /** A second device with log_raw=true: one request also in audit.log, one only here. */
  raw: join(FIXTURES, 'vault', 'audit-raw.log'),
  /** A third device with hmac_accessor=false. */
  accessorRaw: join(FIXTURES, 'vault', 'audit-hmac-accessor-false.log'),
} as const;

export type VaultFixtureEntry = Record<string, unknown> & {
  time: string;
  type: 'request' | 'response';
  request: Record<string, unknown> & { id: string; path: string; operation: string; mount_type?: string };
  response?: Record<string, unknown>;
};

export function loadVaultEntries(path: string): VaultFixtureEntry[] {
  return readLines(path).map((line) => JSON.parse(line) as VaultFixtureEntry);
}

/** The entry of a type whose request path and header match, from a Vault fixture file. */
export function findVaultEntry(entries: readonly VaultFixtureEntry[], type: 'request' | 'response', predicate: (entry: VaultFixtureEntry) => boolean): VaultFixtureEntry {
  const found = entries.find((entry) => entry.type === type && predicate(entry));
  if (found === undefined) throw new Error(`no Vault fixture ${type} entry matches`);
  return found;
}

export function correlationHeader(entry: VaultFixtureEntry): string | undefined {
  return (entry.request.headers as Record<string, string[]> | undefined)?.['x-correlation-id']?.[0];
}

export const APP_EVENTS_FILE = join(FIXTURES, 'app', 'app-events.ndjson');

/** The JSON documents of a fixture file: one array, one object, or one per line. */
export function readFixtureDocuments(relative: string): Record<string, unknown>[] {
  const text = readFileSync(`${FIXTURES}${relative}`, 'utf8');
  try {
    const whole = JSON.parse(text) as unknown;
    return (Array.isArray(whole) ? whole : [whole]) as Record<string, unknown>[];
  } catch {
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

/** Every GCP fixture entry, once (the sink file repeats one entry on purpose). */
export function gcpFixtureEntries(): Record<string, unknown>[] {
  const all = [...readFixtureDocuments('gcp/data-access.json'), ...readFixtureDocuments('gcp/activity-sink.ndjson')];
  const seen = new Set<string>();
  return all.filter((entry) => {
    const id = `${String(entry.logName)}#${String(entry.insertId)}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
