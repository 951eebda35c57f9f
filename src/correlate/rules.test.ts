import { afterEach, describe, expect, it } from 'vitest';
import { appEvent, createHarness, kmsEvent, type Harness } from '../../test/helpers/correlate-harness.ts';
import { useTempDirs } from '../../test/helpers/temp-dir.ts';

const tempDir = useTempDirs();
const open: Harness[] = [];
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close();
});

function harness(config: object): Harness {
  const created = createHarness(tempDir(), config);
  open.push(created);
  return created;
}

const AWS = { providers: { aws: { allowedLatenessMs: 60_000, joinWindowMs: 10_000 } }, appAllowedLatenessMs: 10_000 };

describe('correlator: the cached rule', () => {
  const cacheHit = (at: number, originRequestId: string, user: string) =>
    appEvent(at, { user: { id: user }, cacheHit: true, dataKey: { id: 'dk-1', originKmsRequestId: originRequestId } });

  it('links a cache hit to the call that produced its data key, whether that call is already attributed or still to come', async () => {
    const h = harness(AWS);
    const generate = kmsEvent(0, { operation: 'generate-data-key', rawOperation: 'GenerateDataKey' });
    const requestId = generate.joinKeys.requestId!;
    const earlyHit = cacheHit(-0.5, requestId, 'bob@acme.example');
    await h.feed(earlyHit, generate, appEvent(0.1, { operation: 'generate-data-key', kmsRequestId: requestId }), cacheHit(40, requestId, 'carol@acme.example'));
    const records = await h.records();
    expect(records.map((record) => `${record.kind}/${record.rule} ${record.user?.id} kms=${record.kmsEvent?.eventId ?? '-'} linked=${record.linkedKmsEvents.map((ref) => ref.eventId).join()}`).sort()).toEqual([
      `attributed/cached bob@acme.example kms=- linked=${generate.eventId}`,
      `attributed/cached carol@acme.example kms=- linked=${generate.eventId}`,
      `attributed/exact alice@acme.example kms=${generate.eventId} linked=`,
    ]);
  });

  it('leaves a cache hit unconfirmed when its data key is older than cachedMaxAgeMs', async () => {
    const h = harness({ ...AWS, cachedMaxAgeMs: 30_000 });
    const generate = kmsEvent(0, { operation: 'generate-data-key', rawOperation: 'GenerateDataKey' });
    await h.feed(generate, cacheHit(45, generate.joinKeys.requestId!, 'bob@acme.example'));
    await h.correlator.closeAll();
    expect((await h.records()).map((record) => `${record.kind}/${record.reason}`).sort()).toEqual(['unattributed/window-closed', 'unconfirmed/end-of-input']);
  });
});

describe('correlator: the heuristic rule', () => {
  const GCP = { providers: { gcp: { allowedLatenessMs: 60_000, heuristic: { enabled: true, toleranceMs: 5_000 } } }, appAllowedLatenessMs: 10_000 };
  const key = 'projects/p/locations/europe-west1/keyRings/apps/cryptoKeys/orders';
  const principal = 'orders@p.iam.gserviceaccount.com';
  const call = (at: number) => kmsEvent(at, { provider: 'gcp', keyId: `${key}/cryptoKeyVersions/1`, principal: { id: principal, type: 'serviceAccount' }, joinKeys: {} });
  const claim = (at: number, user: string) => appEvent(at, { provider: 'gcp', keyId: key, principal, user: { id: user } });

  it('pairs a keyless call with the one app event of the same principal, key and operation within the tolerance', async () => {
    const h = harness(GCP);
    const lone = call(0);
    await h.feed(claim(1.5, 'alice@acme.example'), lone, claim(30, 'zed@acme.example'), call(30));
    await h.correlator.closeAll();
    const records = await h.records();
    expect(records.filter((record) => record.rule === 'heuristic').map((record) => `${record.kmsEvent!.eventId} ${record.user!.id}`).sort()).toEqual([
      `${lone.eventId} alice@acme.example`,
      expect.stringContaining('zed@acme.example'),
    ]);
  });

  it('attributes nothing when two app events could have made the call, and says so', async () => {
    const h = harness(GCP);
    await h.feed(claim(1, 'alice@acme.example'), claim(2, 'bob@acme.example'), call(1.5));
    await h.correlator.closeAll();
    const records = await h.records();
    expect(records.filter((record) => record.rule === 'heuristic')).toEqual([]);
    expect(records.map((record) => `${record.kind}/${record.reason}`).sort()).toEqual([
      'unattributed/heuristic-ambiguous',
      'unconfirmed/heuristic-ambiguous',
      'unconfirmed/heuristic-ambiguous',
    ]);
  });

  it('decides while streaming, once both streams are past the candidates of the candidates', async () => {
    const h = harness(GCP);
    const lone = call(0);
    await h.feed(claim(1, 'alice@acme.example'), lone, claim(30, 'later@acme.example'));
    expect(await h.records()).toEqual([]);
    // GCP watermark = newest GCP time - 60 s; the call's second phase ends when it passes 0 + 2 x 5 s.
    await h.feed(kmsEvent(71, { provider: 'gcp', keyId: key, principal: { id: 'other@p.iam.gserviceaccount.com', type: 'serviceAccount' }, joinKeys: {} }));
    expect((await h.records()).map((record) => `${record.kind}/${record.rule} ${record.user?.id}`)).toEqual(['attributed/heuristic alice@acme.example']);
  });

  it('is off unless the provider opts in', async () => {
    const h = harness({ ...GCP, providers: { gcp: { allowedLatenessMs: 60_000 } } });
    await h.feed(claim(1, 'alice@acme.example'), call(1));
    await h.correlator.closeAll();
    expect((await h.records()).map((record) => `${record.kind}/${record.reason}`).sort()).toEqual(['unattributed/end-of-input', 'unconfirmed/end-of-input']);
  });
});
