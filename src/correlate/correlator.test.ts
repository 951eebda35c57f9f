import { afterEach, describe, expect, it } from 'vitest';
import type { AttributedRecord } from '../core/schemas/record.ts';
import { appEvent, createHarness, kmsEvent, type Harness } from '../../test/helpers/correlate-harness.ts';
import { useTempDirs } from '../../test/helpers/temp-dir.ts';

const tempDir = useTempDirs();
const open: Harness[] = [];
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close();
});

/** Short windows so a scenario fits in a few events: AWS 60 s late at most, app events 10 s, pairs 10 s apart. */
const CONFIG = { providers: { aws: { allowedLatenessMs: 60_000, joinWindowMs: 10_000 } }, appAllowedLatenessMs: 10_000 };

function harness(config: object = CONFIG): Harness {
  const created = createHarness(tempDir(), config);
  open.push(created);
  return created;
}

const summary = (records: AttributedRecord[]) =>
  records
    .map((record) => `${record.kind}/${record.rule ?? '-'}/${record.reason ?? '-'} kms=${record.kmsEvent?.eventId ?? '-'} app=${record.appEvent?.event.eventId ?? '-'}${record.corrects === null ? '' : ' corrects'}`)
    .sort();

describe('correlator: the exact rule', () => {
  it('attributes a KMS call to the app event carrying its request id, with the same record whichever arrives first', async () => {
    const call = kmsEvent(0);
    const claim = appEvent(0.4, { kmsRequestId: call.joinKeys.requestId });
    const kmsFirst = harness();
    await kmsFirst.feed(call, claim);
    const appFirst = harness();
    await appFirst.feed(claim, call);
    const [one] = await kmsFirst.records();
    expect(await kmsFirst.records()).toHaveLength(1);
    expect(one).toMatchObject({ kind: 'attributed', rule: 'exact', user: { id: 'alice@acme.example' }, principal: call.principal!.id, kmsEvent: call, appEvent: claim });
    expect((await appFirst.records()).map((record) => record.id)).toEqual([one!.id]);
  });

  it('emits an unclaimed KMS call as unattributed once the app stream passes its window, without waiting for the end of input', async () => {
    const h = harness();
    const call = kmsEvent(0);
    // App watermark = newest app time - 10 s; the call's window closes when it passes 0 + 10 s.
    await h.feed(call, appEvent(19, { kmsRequestId: 'someone-else' }));
    expect(await h.records()).toEqual([]);
    await h.feed(appEvent(21, { kmsRequestId: 'another' }));
    const records = await h.records();
    expect(summary(records)).toEqual([`unattributed/-/window-closed kms=${call.eventId} app=-`]);
  });

  it('turns a late app event into a correction of the unattributed record, with the same records in either arrival order', async () => {
    const call = kmsEvent(0);
    const late = appEvent(1, { kmsRequestId: call.joinKeys.requestId });
    const mover = appEvent(30, { kmsRequestId: 'unrelated' });
    const kmsFirst = harness();
    await kmsFirst.feed(call, mover, late);
    // The other order: the late app event is already waiting when the call arrives.
    const appFirst = harness();
    await appFirst.feed(mover, late, call);
    const records = await kmsFirst.records();
    const unattributed = records.find((record) => record.kind === 'unattributed')!;
    const correction = records.find((record) => record.kind === 'correction')!;
    expect(correction).toMatchObject({ rule: 'exact', reason: 'late-partner', corrects: { recordId: unattributed.id, seq: null }, user: { id: 'alice@acme.example' } });
    expect(correction.kmsEvent?.eventId).toBe(call.eventId);
    expect(records.map((record) => record.id).sort()).toEqual((await appFirst.records()).map((record) => record.id).sort());
  });

  it('turns a late KMS call into a correction of the unconfirmed app event', async () => {
    const h = harness();
    const claim = appEvent(0, { kmsRequestId: 'req-late' });
    // KMS watermark = newest AWS time - 60 s: an AWS event at 71 s closes the claim's window (0 + 10 s).
    await h.feed(claim, kmsEvent(71), kmsEvent(0.2, { joinKeys: { requestId: 'req-late' } }));
    const records = await h.records();
    const unconfirmed = records.find((record) => record.kind === 'unconfirmed')!;
    expect(unconfirmed).toMatchObject({ reason: 'window-closed', appEvent: claim });
    expect(records.find((record) => record.kind === 'correction')).toMatchObject({ corrects: { recordId: unconfirmed.id }, rule: 'exact' });
  });

  it('pairs a Vault call by X-Correlation-Id only when the operation and outcome agree, and prefers request ids', async () => {
    const h = harness();
    const cid = 'user-request-1';
    const vault = (at: number, requestId: string, operation: 'decrypt' | 'encrypt', outcome: 'success' | 'failure') =>
      kmsEvent(at, { provider: 'vault', keyId: 'orders', operation, outcome, joinKeys: { requestId, correlationId: cid }, principal: { id: 'approle-orders', type: 'approle' } });
    const decrypt = vault(0, 'r-1', 'decrypt', 'success');
    const failedEncrypt = vault(0.1, 'r-2', 'encrypt', 'failure');
    const decryptClaim = appEvent(0, { provider: 'vault', keyId: 'orders', kmsRequestId: 'r-1', correlationId: cid });
    const failureClaim = appEvent(0.1, { provider: 'vault', keyId: 'orders', operation: 'encrypt', outcome: 'failure', correlationId: cid });
    await h.feed(failureClaim, decrypt, failedEncrypt, decryptClaim);
    await h.correlator.closeAll();
    expect(summary(await h.records())).toEqual([
      `attributed/exact/- kms=${decrypt.eventId} app=${decryptClaim.event.eventId}`,
      `attributed/exact/- kms=${failedEncrypt.eventId} app=${failureClaim.event.eventId}`,
    ]);
  });

  it('pairs a Vault request logged without its response (outcome unknown) with the failure the application reported under its X-Correlation-Id', async () => {
    const h = harness();
    const cid = 'user-request-2';
    const decrypt = kmsEvent(0, { provider: 'vault', keyId: 'orders', joinKeys: { requestId: 'r-3', correlationId: cid }, principal: { id: 'approle-orders', type: 'approle' } });
    const requestOnly = kmsEvent(0.1, { provider: 'vault', keyId: 'orders', operation: 'encrypt', outcome: 'unknown', joinKeys: { requestId: 'r-4', correlationId: cid }, principal: { id: 'approle-orders', type: 'approle' }, attributes: { responseMissing: true } });
    const decryptClaim = appEvent(0, { provider: 'vault', keyId: 'orders', kmsRequestId: 'r-3', correlationId: cid });
    const failureClaim = appEvent(0.1, { provider: 'vault', keyId: 'orders', operation: 'encrypt', outcome: 'failure', correlationId: cid });
    await h.feed(decrypt, failureClaim, decryptClaim, requestOnly);
    await h.correlator.closeAll();
    expect(summary(await h.records())).toEqual([
      `attributed/exact/- kms=${decrypt.eventId} app=${decryptClaim.event.eventId}`,
      `attributed/exact/- kms=${requestOnly.eventId} app=${failureClaim.event.eventId}`,
    ]);
  });

  it('joins Azure on the logged correlationId, whether it holds x-ms-request-id or the client request id the app reported alone', async () => {
    const h = harness();
    const azure = (correlationId: string) => kmsEvent(0, { provider: 'azure', operation: 'unwrap', keyId: 'https://kv1.vault.azure.net/keys/dek', joinKeys: { correlationId } });
    const serverId = azure('server-id-1');
    const clientId = azure('client-id-2');
    const claims = [
      appEvent(0, { provider: 'azure', operation: 'unwrap', keyId: 'https://kv1.vault.azure.net/keys/dek', kmsRequestId: 'server-id-1', correlationId: 'client-id-1' }),
      appEvent(0, { provider: 'azure', operation: 'unwrap', keyId: 'https://kv1.vault.azure.net/keys/dek', correlationId: 'client-id-2' }),
    ];
    await h.publish(serverId, clientId, ...claims);
    await h.drain();
    expect((await h.records()).map((record) => `${record.rule} ${record.kmsEvent!.eventId} ${record.appEvent!.event.eventId}`).sort()).toEqual(
      [`exact ${serverId.eventId} ${claims[0]!.event.eventId}`, `exact ${clientId.eventId} ${claims[1]!.event.eventId}`].sort(),
    );
  });
});

describe('correlator: records of their own', () => {
  it('records service-invoked and lifecycle calls on their own and never joins them to an app request', async () => {
    const h = harness();
    const viaS3 = kmsEvent(0, { invokedBy: 's3.amazonaws.com' });
    const rotation = kmsEvent(1, { operation: 'rotate', rawOperation: 'RotateKey', principal: null, invokedBy: 'AWS Internal', joinKeys: {} });
    const claim = appEvent(0, { kmsRequestId: viaS3.joinKeys.requestId });
    await h.publish(viaS3, rotation, claim);
    await h.drain();
    await h.correlator.closeAll();
    expect(summary(await h.records())).toEqual([
      `lifecycle/-/- kms=${rotation.eventId} app=-`,
      `service/-/- kms=${viaS3.eventId} app=-`,
      `unconfirmed/-/end-of-input kms=- app=${claim.event.eventId}`,
    ]);
  });

  it('drops the same call delivered in another form (another raw hash, time precision, key version, user agent, attributes) as a duplicate', async () => {
    const h = harness();
    const call = kmsEvent(0, { provider: 'azure', eventTime: '2026-01-10T12:00:00.1234500Z', keyVersion: null, attributes: { dataHmaced: true } });
    const otherForm = { ...call, eventTime: '2026-01-10T12:00:00.12345Z', ingestTime: new Date(Date.parse(call.ingestTime) + 60_000).toISOString(), keyVersion: '3', userAgent: 'vault-client-go', attributes: { dataHmaced: false }, rawSha256: 'e'.repeat(64) };
    const otherCall = { ...call, outcome: 'failure' as const, errorCode: 'Forbidden', rawSha256: 'd'.repeat(64) };
    await h.publish(call, otherForm, otherCall);
    await h.drain();
    expect(h.correlator.counts).toMatchObject({ kmsEvents: 3, duplicates: 1, duplicateConflicts: 1, deadLettered: 1 });
  });

  it('drops a duplicate delivery and counts it, and dead-letters a repeated id with different content', async () => {
    const h = harness();
    const call = kmsEvent(0);
    const secondPath = { ...call, ingestTime: new Date(Date.parse(call.ingestTime) + 300_000).toISOString() };
    const tampered = { ...call, principal: { id: 'arn:aws:sts::111122223333:assumed-role/other/x', type: 'AssumedRole' }, rawSha256: 'f'.repeat(64) };
    await h.publish(call, secondPath, tampered);
    await h.drain();
    await h.correlator.closeAll();
    expect(h.correlator.counts).toMatchObject({ kmsEvents: 3, duplicates: 1, duplicateConflicts: 1, deadLettered: 1 });
    expect(summary(await h.records())).toEqual([`unattributed/-/end-of-input kms=${call.eventId} app=-`]);
  });
});
