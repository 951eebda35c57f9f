import { sha256Hex } from '../../src/core/hash.ts';
import type { AttributedRecord } from '../../src/core/schemas/record.ts';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/**
 * A valid AttributedRecord shaped like the ones the correlator emits for a CloudTrail KMS Decrypt:
 * number `n` makes every id and time distinct, so replays of the same n are duplicates.
 */
export function makeRecord(n: number, overrides: Partial<AttributedRecord> = {}): AttributedRecord {
  const eventTime = new Date(Date.UTC(2026, 0, 10, 12, 0, 0) + n * 1000).toISOString().replace('.000Z', 'Z');
  const eventId = `0b1c2d3e-${String(n).padStart(4, '0').slice(-4)}-4f5a-8b9c-${sha256Hex(`event ${n}`).slice(0, 12)}`;
  return {
    v: 1,
    id: sha256Hex(`record ${n}`),
    kind: 'unattributed',
    rule: null,
    reason: 'window-closed',
    eventTime,
    provider: 'aws',
    operation: 'decrypt',
    keyId: KEY_ARN,
    user: null,
    app: null,
    principal: 'arn:aws:sts::111122223333:assumed-role/batch-export/export-job-01',
    kmsEvent: {
      v: 1,
      provider: 'aws',
      eventId,
      eventTime,
      ingestTime: '2026-01-10T12:20:00.000Z',
      operation: 'decrypt',
      rawOperation: 'Decrypt',
      keyId: KEY_ARN,
      keyVersion: null,
      principal: { id: 'arn:aws:sts::111122223333:assumed-role/batch-export/export-job-01', type: 'AssumedRole' },
      account: '111122223333',
      region: 'eu-west-1',
      sourceIp: '203.0.113.50',
      userAgent: 'aws-cli/2.22.4',
      outcome: 'success',
      errorCode: null,
      joinKeys: { requestId: sha256Hex(`request ${n}`).slice(0, 32) },
      invokedBy: null,
      rawSha256: sha256Hex(`raw ${n}`),
    },
    appEvent: null,
    linkedKmsEvents: [],
    corrects: null,
    ...overrides,
  };
}

export function recordMessage(record: AttributedRecord): { key: string; value: Buffer } {
  return { key: record.id, value: Buffer.from(JSON.stringify(record), 'utf8') };
}

/** A clock the test moves by hand. */
export function createManualClock(start = '2026-01-10T12:30:00.000Z'): { now(): Date; advance(ms: number): void; set(iso: string): void } {
  let time = Date.parse(start);
  return {
    now: () => new Date(time),
    advance: (ms) => {
      time += ms;
    },
    set: (iso) => {
      time = Date.parse(iso);
    },
  };
}
