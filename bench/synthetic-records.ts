import { hash } from 'node:crypto';
import type { BusMessage } from '../src/core/ports.ts';
import type { AttributedRecord } from '../src/core/schemas/record.ts';

const KEYS = ['arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', 'arn:aws:kms:eu-west-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321'];
const USERS = ['alice@acme.example', 'bob@acme.example', 'carol@globex.example', 'dave@initech.example'];
const hex = (text: string): string => hash('sha256', text, 'hex');

/** Record n of a synthetic but schema-valid stream: attributed AWS decrypts with their app events, ~1.5 KB each. */
export function syntheticRecord(n: number): AttributedRecord {
  const time = new Date(Date.UTC(2026, 0, 10) + n * 37).toISOString();
  const requestId = hex(`request ${n}`).slice(0, 32);
  const user = { id: USERS[n % USERS.length]!, tenant: 'acme' };
  const keyId = KEYS[n % KEYS.length]!;
  const principal = 'arn:aws:sts::111122223333:assumed-role/orders-api/i-0a1b2c3d4e5f67890';
  return {
    v: 1,
    id: hex(`record ${n}`),
    kind: 'attributed',
    rule: 'exact',
    reason: null,
    eventTime: time,
    provider: 'aws',
    operation: 'decrypt',
    keyId,
    user,
    app: 'orders-api',
    principal,
    kmsEvent: {
      v: 1, provider: 'aws', eventId: hex(`event ${n}`).slice(0, 36), eventTime: time, ingestTime: time, operation: 'decrypt', rawOperation: 'Decrypt', keyId, keyVersion: null,
      principal: { id: principal, type: 'AssumedRole' }, account: '111122223333', region: 'eu-west-1', sourceIp: '10.0.12.7', userAgent: 'aws-sdk-js/3.1137.0 ua/2.1 os/linux#6.1 lang/js md/nodejs#24.12.0 api/kms#3.1137.0',
      outcome: 'success', errorCode: null, joinKeys: { requestId }, invokedBy: null, rawSha256: hex(`raw ${n}`),
    },
    appEvent: {
      v: 1, source: 'app:orders-api', ingestTime: time, rawSha256: hex(`raw app ${n}`),
      event: { eventId: hex(`app ${n}`).slice(0, 36), time, app: 'orders-api', user, operation: 'decrypt', provider: 'aws', keyId: 'alias/orders', kmsRequestId: requestId, resource: `orders/o-${n}`, dataClass: 'pii', outcome: 'success', requestId: `req-${n}` },
    },
    linkedKmsEvents: [],
    corrects: null,
  };
}

/** Bus messages for records [from, to), as the records topic would deliver them. */
export function syntheticBatch(from: number, to: number): BusMessage[] {
  const batch: BusMessage[] = [];
  for (let n = from; n < to; n += 1) {
    const record = syntheticRecord(n);
    batch.push({ topic: 'records', partition: 0, offset: String(n), key: record.id, value: Buffer.from(JSON.stringify(record)), headers: {} });
  }
  return batch;
}

export function parseCount(fallback: number): number {
  const argument = process.argv.find((value) => value.startsWith('--entries='));
  return argument === undefined ? fallback : Number(argument.slice('--entries='.length));
}
