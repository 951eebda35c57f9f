import { join } from 'node:path';
import { APP_EVENTS_FILE, FIXTURES, loadCloudTrailRecords, readLines, VAULT_FILES, type CloudTrailFixtureRecord } from './fixtures.ts';

/**
 * The demo's CloudTrail records and app events, three Vault transit request/response pairs and the app events
 * that claim them, moved forward in time so that the newest is a minute old: a CloudTrail LookupEvents poll
 * reads the last hour, so fixtures from another day would never be seen. The shift is whole minutes, so every
 * timestamp keeps its digits below the minute and its offset, and the relative times the correlator's windows
 * depend on stay as the fixtures have them.
 */
export interface LiveInputs {
  /** KMS records for the CloudTrail server. */
  cloudTrail: CloudTrailFixtureRecord[];
  /** Request and response lines per Vault request id, each line newline-terminated. */
  vaultPairs: Record<'encrypt' | 'decrypt' | 'rewrap', string>;
  /** Valid app events (AWS and Vault), one JSON object per line. */
  appEvents: string[];
}

const DEMO_TRAIL = join(FIXTURES, 'demo', '111122223333_CloudTrail_eu-west-1_20260110T1205Z_Xk2mQ9vT4pLw8RzA.json.gz');
const DEMO_APP_EVENTS = join(FIXTURES, 'demo', 'app-events.ndjson');
/** Later than every event used here (the Vault pairs are logged at 12:10). */
const NEWEST = Date.parse('2026-01-10T12:11:00Z');
const VAULT_REQUESTS = { encrypt: 'req-7c21-encrypt', decrypt: 'req-7c22-decrypt', rewrap: 'req-7c23-rewrap' } as const;

export function createLiveInputs(nowMs: number): LiveInputs {
  const shiftMs = Math.floor((nowMs - 60_000 - NEWEST) / 60_000) * 60_000;
  const cloudTrail = loadCloudTrailRecords(DEMO_TRAIL)
    .filter((record) => record.eventSource === 'kms.amazonaws.com')
    .map((record) => ({ ...record, eventTime: shiftTime(record.eventTime, shiftMs) }));
  const vaultLines = readLines(VAULT_FILES.hmac);
  const pair = (id: string): string =>
    vaultLines
      .filter((line) => line.includes(`"${id}"`))
      .map((line) => `${shiftLine(line, shiftMs)}\n`)
      .join('');
  const vaultPairs = { encrypt: pair(VAULT_REQUESTS.encrypt), decrypt: pair(VAULT_REQUESTS.decrypt), rewrap: pair(VAULT_REQUESTS.rewrap) };
  const claimsVault = (line: string): boolean => Object.values(VAULT_REQUESTS).some((id) => line.includes(`"correlationId":"${id}"`));
  const appEvents = [...readLines(DEMO_APP_EVENTS).filter(isValidAppEvent), ...readLines(APP_EVENTS_FILE).filter(claimsVault)].map((line) => shiftLine(line, shiftMs));
  return { cloudTrail, vaultPairs, appEvents };
}

/** The demo's app event file holds two broken lines on purpose (dead-letter); an HTTP body must be all valid. */
function isValidAppEvent(line: string): boolean {
  try {
    const event = JSON.parse(line) as Record<string, unknown>;
    return typeof event.user === 'object' && event.user !== null;
  } catch {
    return false;
  }
}

/** Every top-level `"time"` of a JSON line (Vault entries, app events). */
function shiftLine(line: string, shiftMs: number): string {
  const value = JSON.parse(line) as { time: string };
  return JSON.stringify({ ...value, time: shiftTime(value.time, shiftMs) });
}

/** `YYYY-MM-DDTHH:MM:SS` moved by whole minutes; fraction and offset kept as written. */
export function shiftTime(text: string, shiftMs: number): string {
  const head = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(text);
  if (head === null || shiftMs % 60_000 !== 0) throw new Error(`cannot shift ${text} by ${shiftMs} ms`);
  const [year, month, day, hour, minute, second] = head.slice(1).map(Number) as [number, number, number, number, number, number];
  const moved = new Date(Date.UTC(year, month - 1, day, hour, minute, second) + shiftMs).toISOString().slice(0, 19);
  return moved + text.slice(19);
}
