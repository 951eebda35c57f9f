import { describe, expect, it } from 'vitest';
import { correlationHeader, findVaultEntry, loadVaultEntries, VAULT_FILES, type VaultFixtureEntry } from '../../../test/helpers/fixtures.ts';
import { canonicalBytes } from '../../core/canonical-json.ts';
import { KeytrailError } from '../../core/errors.ts';
import { sha256Hex } from '../../core/hash.ts';
import { KmsEvent } from '../../core/schemas/kms-event.ts';
import { normaliseVaultEntry } from './normalise.ts';

const context = { source: 'test', ingestTime: new Date('2026-01-10T13:00:00.000Z') };
const entries = loadVaultEntries(VAULT_FILES.hmac);

function normalise(entry: unknown): KmsEvent {
  const result = normaliseVaultEntry(entry, context);
  if (result.kind !== 'event') throw new Error(`expected an event, got ${result.reason}`);
  return KmsEvent.parse(JSON.parse(result.message.value.toString('utf8')));
}

const byCorrelation = (id: string, type: 'request' | 'response' = 'response'): VaultFixtureEntry => findVaultEntry(entries, type, (entry) => correlationHeader(entry) === id);
const byPath = (path: string, type: 'request' | 'response' = 'response'): VaultFixtureEntry => findVaultEntry(entries, type, (entry) => entry.request.path === path);

describe('normaliseVaultEntry', () => {
  it('turns every transit entry into a schema-valid KmsEvent keyed on request.id, with the hash of the entry', () => {
    const transit = entries.filter((entry) => entry.request.mount_type === 'transit');
    expect(transit.length).toBeGreaterThan(30);
    for (const entry of transit) {
      const result = normaliseVaultEntry(entry, context);
      expect(result.kind === 'event' && result.dedupKey).toBe(entry.request.id);
      expect(normalise(entry).rawSha256).toBe(sha256Hex(canonicalBytes(entry)));
    }
  });

  it('maps an encrypt response with its key, version, principal, headers and both join keys', () => {
    const entry = byCorrelation('req-7c21-encrypt');
    const auth = entry.auth as { entity_id: string };
    expect(normalise(entry)).toMatchObject({
      provider: 'vault',
      eventId: entry.request.id,
      eventTime: entry.time,
      operation: 'encrypt',
      rawOperation: 'update encrypt/:name',
      keyId: 'transit/keys/orders',
      keyVersion: '3',
      principal: { id: auth.entity_id, type: 'entity' },
      account: 'root',
      region: null,
      sourceIp: '10.20.0.15',
      userAgent: 'orders-api/2.3.1 vault-client-go/0.4.3',
      outcome: 'success',
      errorCode: null,
      joinKeys: { requestId: entry.request.id, correlationId: 'req-7c21-encrypt' },
      invokedBy: null,
      attributes: { entryType: 'response', mount: 'transit/', displayName: 'approle-orders-api', policies: 'default,orders-transit', tokenType: 'service', dataHmaced: true },
    });
  });

  it('maps each transit endpoint to its normalised operation', () => {
    const operations = Object.fromEntries(
      [
        'transit/decrypt/orders',
        'transit/rewrap/orders',
        'transit/datakey/wrapped/orders',
        'transit/datakey/plaintext/orders',
        'transit/keys/orders/rotate',
        'transit/sign/invoice-signing/sha2-256',
        'transit/verify/invoice-signing/sha2-256',
        'transit/hmac/orders-mac',
        'transit/verify/orders-mac',
        'transit/keys/exports-2026',
        'transit/keys/exports-2026/config',
      ].map((path) => [path, normalise(byPath(path)).operation]),
    );
    expect(operations).toEqual({
      'transit/decrypt/orders': 'decrypt',
      'transit/rewrap/orders': 're-encrypt',
      'transit/datakey/wrapped/orders': 'generate-data-key',
      'transit/datakey/plaintext/orders': 'generate-data-key',
      'transit/keys/orders/rotate': 'rotate',
      'transit/sign/invoice-signing/sha2-256': 'sign',
      'transit/verify/invoice-signing/sha2-256': 'verify',
      'transit/hmac/orders-mac': 'generate-mac',
      'transit/verify/orders-mac': 'verify-mac',
      'transit/keys/exports-2026': 'create-key',
      'transit/keys/exports-2026/config': 'update',
    });
  });

  it('reports a permission-denied request as a failure, from the request entry and the response entry alike', () => {
    for (const type of ['request', 'response'] as const) {
      expect(normalise(byCorrelation('req-7c27-payroll', type))).toMatchObject({ outcome: 'failure', errorCode: 'permission denied', keyId: 'transit/keys/payroll' });
    }
  });

  it('reports the decrypt of a bad ciphertext as a failure with the error Vault logged', () => {
    expect(normalise(byCorrelation('req-7c28-bad'))).toMatchObject({ operation: 'decrypt', outcome: 'failure', errorCode: 'invalid request' });
  });

  it('marks an encrypt that created its key (operation create) and keeps the new key version', () => {
    const event = normalise(byCorrelation('req-7c29-newkey'));
    expect({ keyId: event.keyId, keyVersion: event.keyVersion, keyCreated: event.attributes?.keyCreated, rawOperation: event.rawOperation }).toEqual({
      keyId: 'transit/keys/invoices-2026',
      keyVersion: '1',
      keyCreated: true,
      rawOperation: 'create encrypt/:name',
    });
  });

  it('counts the items and failures of a batch_input call, which succeeded because not every item failed', () => {
    const event = normalise(byCorrelation('req-7c30-batch'));
    expect({ outcome: event.outcome, keyVersion: event.keyVersion, items: event.attributes?.batchItems, failures: event.attributes?.batchFailures }).toEqual({
      outcome: 'success',
      keyVersion: '3',
      items: 3,
      failures: 1,
    });
  });

  it('calls a batch failed when every item failed', () => {
    const entry = structuredClone(byCorrelation('req-7c30-batch'));
    (entry.response as { data: { batch_results: unknown[] } }).data.batch_results = [{ error: 'hmac-sha256:aa' }, { error: 'hmac-sha256:bb' }];
    expect(normalise(entry)).toMatchObject({ outcome: 'failure', errorCode: 'every batch item failed (2)' });
  });

  it('gives a request entry whose response never came an unknown outcome', () => {
    const event = normalise(byCorrelation('req-7c40-lost', 'request'));
    expect(entries.filter((entry) => entry.request.id === event.eventId)).toHaveLength(1);
    expect({ outcome: event.outcome, keyVersion: event.keyVersion, missing: event.attributes?.responseMissing }).toEqual({ outcome: 'unknown', keyVersion: null, missing: true });
  });

  it('keeps the node a standby forwarded the request from', () => {
    expect(normalise(byCorrelation('req-7c31-standby')).attributes?.forwardedFrom).toBe('10.20.0.8:8201');
  });

  it('names keys on a custom mount in a namespace by namespace, mount and name', () => {
    expect(normalise(byCorrelation('req-9d01-payments'))).toMatchObject({
      keyId: 'payments/kms/keys/orders',
      account: 'payments',
      keyVersion: '2',
      principal: { type: 'entity' },
      attributes: { mount: 'kms/', namespace: 'payments/', displayName: 'approle-payments-api' },
    });
  });

  it('reads the key version of a decrypt from its ciphertext when the device logs raw values', () => {
    const raw = loadVaultEntries(VAULT_FILES.raw);
    const event = normalise(findVaultEntry(raw, 'response', (entry) => correlationHeader(entry) === 'req-7c41-oldversion'));
    expect({ keyVersion: event.keyVersion, hmaced: event.attributes?.dataHmaced }).toEqual({ keyVersion: '2', hmaced: false });
  });

  it('gives the same request logged by two devices the same event id and different raw hashes', () => {
    const raw = normalise(findVaultEntry(loadVaultEntries(VAULT_FILES.raw), 'response', (entry) => correlationHeader(entry) === 'req-7c21-encrypt'));
    const hmaced = normalise(byCorrelation('req-7c21-encrypt'));
    expect(raw.eventId).toBe(hmaced.eventId);
    expect(raw.rawSha256).not.toBe(hmaced.rawSha256);
  });

  it('joins on the correlation-id header when x-correlation-id is absent, and never on an HMAC\'d header', () => {
    const entry = structuredClone(byCorrelation('req-7c22-decrypt'));
    entry.request.headers = { 'correlation-id': ['req-plain'] };
    expect(normalise(entry).joinKeys).toEqual({ requestId: entry.request.id, correlationId: 'req-plain' });
    entry.request.headers = { 'x-correlation-id': ['hmac-sha256:0b1f'] };
    expect(normalise(entry).joinKeys).toEqual({ requestId: entry.request.id });
  });

  it('recognises an entry of an old Vault without mount_type on the default transit mount', () => {
    const { mount_type: _type, mount_point: _point, ...request } = byCorrelation('req-7c22-decrypt').request;
    expect(normalise({ ...byCorrelation('req-7c22-decrypt'), request })).toMatchObject({ operation: 'decrypt', keyId: 'transit/keys/orders' });
  });

  it('filters entries of other mounts (a KV read, an AppRole login)', () => {
    for (const path of ['secret/data/orders-api/config', 'auth/approle/login']) {
      expect(normaliseVaultEntry(byPath(path), context)).toMatchObject({ kind: 'filtered' });
    }
  });

  it('rejects an entry without request.id or with a time that is not RFC 3339 UTC, listing each problem', () => {
    const entry = structuredClone(byCorrelation('req-7c22-decrypt')) as Record<string, unknown> & { request: Record<string, unknown> };
    delete entry.request.id;
    entry.time = '10/01/2026 12:00';
    try {
      normaliseVaultEntry(entry, context);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(KeytrailError);
      expect((error as KeytrailError).code).toBe('INGEST_VAULT_ENTRY_INVALID');
      expect(((error as KeytrailError).details.problems as { path: string }[]).map((problem) => problem.path).sort()).toEqual(['request.id', 'time']);
    }
  });
});
