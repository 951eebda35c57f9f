import { describe, expect, it } from 'vitest';
import type { KmsEvent } from '../../core/schemas/kms-event.ts';
import { readFixtureDocuments } from '../../../test/helpers/fixtures.ts';
import type { NormaliseResult } from '../source.ts';
import { normaliseAzureRecord } from './normalise.ts';

const context = { source: 'fixture', ingestTime: new Date('2026-01-10T13:00:00Z') };
const storage = (readFixtureDocuments('azure/storage-insights-logs-auditevent.json')[0] as { records: Record<string, unknown>[] }).records;
const diagnostics = readFixtureDocuments('azure/azure-diagnostics.json');
const azkv = readFixtureDocuments('azure/azkv-audit-logs.json');
const KEK = 'https://kt-demo-kv.vault.azure.net/keys/orders-kek';
const APP = '6d1f3a8b-4c2e-4f7a-9b1d-3e5c7a9f2b4d';

function event(result: NormaliseResult): KmsEvent {
  if (result.kind !== 'event') throw new Error(`filtered: ${result.reason}`);
  return JSON.parse(result.message.value.toString('utf8')) as KmsEvent;
}
const byCorrelation = (rows: Record<string, unknown>[], id: string, field = 'correlationId') => rows.find((row) => row[field] === id)!;

describe('normaliseAzureRecord', () => {
  it('reads a resource-log KeyUnwrap: key and version from the key URI, object id, subscription, both join keys', () => {
    expect(event(normaliseAzureRecord(byCorrelation(storage, 'a4c2e6f0-1b3d-4e5f-8a7b-9c0d1e2f3a4b'), context))).toMatchObject({
      provider: 'azure',
      eventTime: '2026-01-10T12:00:01.0123456Z',
      operation: 'unwrap',
      rawOperation: 'KeyUnwrap',
      keyId: KEK,
      keyVersion: '3f9a1c0e5b7d4e2a8c6f0b1d9e4a7c35',
      principal: { id: APP, type: 'app' },
      account: 'b5f0c8e2-7a1d-4c3e-9f26-1d8a4e7b3c90',
      sourceIp: '203.0.113.51',
      outcome: 'success',
      joinKeys: { requestId: 'a4c2e6f0-1b3d-4e5f-8a7b-9c0d1e2f3a4b', correlationId: 'a4c2e6f0-1b3d-4e5f-8a7b-9c0d1e2f3a4b' },
      invokedBy: null,
    });
  });

  it('reads the old URI claim names in all three shapes', () => {
    expect(event(normaliseAzureRecord(byCorrelation(storage, 'd7f5b9c3-4e6a-4b8c-9d0e-2f3a4b5c6d7e'), context)).principal).toEqual({ id: 'a7e3c915-2f4b-4d6a-8c1e-5b9d0f2a4c68', type: 'user' });
    expect(event(normaliseAzureRecord(byCorrelation(diagnostics, 'f3df7b9c-2e4a-4b02-9f20-0f1a2b3c4d5e', 'CorrelationId'), context)).principal).toEqual({ id: APP, type: 'app' });
    expect(event(normaliseAzureRecord(byCorrelation(azkv, '48c4c0e1-7d9f-4a57-8475-5e6f708192a3', 'CorrelationId'), context)).principal).toEqual({ id: APP, type: 'app' });
  });

  it('reads AzureDiagnostics type-suffixed columns and AZKVAuditLogs integer columns', () => {
    expect(event(normaliseAzureRecord(byCorrelation(diagnostics, 'd1bd5f7a-0c2e-4fe0-9d0e-8d9e0f1a2b3c', 'CorrelationId'), context))).toMatchObject({ operation: 'unwrap', keyId: KEK, keyVersion: '3f9a1c0e5b7d4e2a8c6f0b1d9e4a7c35', principal: { id: APP, type: 'app' }, outcome: 'success', eventTime: '2026-01-10T12:15:00.0420420Z' });
    expect(event(normaliseAzureRecord(byCorrelation(azkv, '37b3bfd0-6c8e-4f46-9364-4d5e6f708192', 'CorrelationId'), context))).toMatchObject({ operation: 'wrap', keyVersion: '3f9a1c0e5b7d4e2a8c6f0b1d9e4a7c35', userAgent: expect.stringContaining('azsdk-js-keyvault-keys') });
  });

  it('never turns an Authentication 401 challenge into an event', () => {
    for (const record of [storage[0]!, diagnostics[0]!, azkv[1]!]) expect(normaliseAzureRecord(record, context)).toEqual({ kind: 'filtered', reason: 'Authentication challenge record (Unauthorized)' });
  });

  it('reports 403 Forbidden and 429 throttling from the HTTP status, although resultType says Success', () => {
    expect(event(normaliseAzureRecord(byCorrelation(storage, 'e8a6c0d4-5f7b-4c9d-8e1f-3a4b5c6d7e8f'), context))).toMatchObject({ outcome: 'failure', errorCode: 'Forbidden', keyVersion: '3f9a1c0e5b7d4e2a8c6f0b1d9e4a7c35' });
    expect(event(normaliseAzureRecord(byCorrelation(storage, 'f9b7d1e5-6a8c-4dae-9f20-4b5c6d7e8f90'), context))).toMatchObject({ outcome: 'failure', errorCode: 'TooManyRequests' });
  });

  it('maps key lifecycle operations, the scheduled rotation as service-invoked', () => {
    const operation = (id: string, rows = storage, field = 'correlationId') => event(normaliseAzureRecord(byCorrelation(rows, id, field), context));
    expect(operation('1b9d3f5a-8c0e-4f2a-b142-6d7e8f9a0b1c')).toMatchObject({ operation: 'create-key', keyId: 'https://kt-demo-kv.vault.azure.net/keys/payments-kek', keyVersion: '0c1d2e3f4a5b4c6d8e7f9a0b1c2d3e4f', principal: { type: 'user' } });
    expect(operation('2c0e4a6b-9d1f-4a3b-8253-7e8f9a0b1c2d')).toMatchObject({ operation: 'update', rawOperation: 'KeyRotationPolicySet', keyVersion: null });
    expect(operation('3d1f5b7c-0e2a-4b4c-9364-8f9a0b1c2d3e')).toMatchObject({ operation: 'rotate', keyVersion: '5e6f7a8b9c0d4e1f8a2b3c4d5e6f7a8b' });
    expect(operation('4e2a6c8d-1f3b-4c5d-a475-9a0b1c2d3e4f')).toMatchObject({ operation: 'rotate', rawOperation: 'KeyRotateIfDue', principal: null, sourceIp: null, invokedBy: 'Microsoft.KeyVault' });
    expect(operation('5f3b7d9e-2a4c-4d6e-b586-0b1c2d3e4f5a')).toMatchObject({ operation: 'schedule-deletion', keyId: 'https://kt-demo-kv.vault.azure.net/keys/legacy-kek' });
    expect(operation('8c08a425-b1d2-4e9b-a8b9-92a3b4c5d6e7', azkv, 'CorrelationId')).toMatchObject({ operation: 'destroy', keyId: 'https://kt-demo-kv.vault.azure.net/keys/legacy-kek', keyVersion: null });
  });

  it('marks calls by a service for its customer-managed key as service-invoked', () => {
    expect(event(normaliseAzureRecord(byCorrelation(storage, '0a8c2e4f-7b9d-4e1f-a031-5c6d7e8f9a0b'), context)).invokedBy).toBe('Microsoft.Storage/storageAccounts');
    expect(event(normaliseAzureRecord(byCorrelation(azkv, '6ae6e203-9fb0-4c79-8697-708192a3b4c5', 'CorrelationId'), context)).invokedBy).toBe('Microsoft.Sql/servers');
  });

  it('filters vault and secret operations and rows of other resource providers', () => {
    expect(normaliseAzureRecord(storage.find((record) => record.operationName === 'SecretGet'), context)).toEqual({ kind: 'filtered', reason: 'SecretGet is not a key operation' });
    expect(normaliseAzureRecord(diagnostics.at(-1), context)).toEqual({ kind: 'filtered', reason: 'ResourceProvider MICROSOFT.SQL is not MICROSOFT.KEYVAULT' });
  });

  it('accepts durationMs as a string or a number, and rejects anything else with the path', () => {
    const record = byCorrelation(storage, 'a4c2e6f0-1b3d-4e5f-8a7b-9c0d1e2f3a4b');
    expect(normaliseAzureRecord({ ...record, durationMs: 12 }, context).kind).toBe('event');
    expect(() => normaliseAzureRecord({ ...record, durationMs: 'fast' }, context)).toThrowError(expect.objectContaining({ code: 'INGEST_AZURE_RECORD_INVALID', details: { problems: [expect.objectContaining({ path: 'durationMs' })] } }));
  });

  it('rejects a record of no known shape or without its time', () => {
    expect(() => normaliseAzureRecord({ hello: 'world' }, context)).toThrowError(expect.objectContaining({ code: 'INGEST_AZURE_RECORD_INVALID' }));
    expect(() => normaliseAzureRecord({ operationName: 'KeyGet', time: 'yesterday' }, context)).toThrowError(expect.objectContaining({ code: 'INGEST_AZURE_RECORD_INVALID' }));
    expect(() => normaliseAzureRecord([1, 2], context)).toThrowError(expect.objectContaining({ code: 'INGEST_AZURE_RECORD_INVALID' }));
  });

  it('gives the same call the same event id in every shape, and a row the same hash with or without empty cells', () => {
    const fromStorage = event(normaliseAzureRecord(byCorrelation(storage, 'a4c2e6f0-1b3d-4e5f-8a7b-9c0d1e2f3a4b'), context));
    const row = byCorrelation(azkv, 'a4c2e6f0-1b3d-4e5f-8a7b-9c0d1e2f3a4b', 'CorrelationId');
    const fromTable = event(normaliseAzureRecord(row, context));
    expect(fromTable.eventId).toBe(fromStorage.eventId);
    expect(event(normaliseAzureRecord({ ...row, SubnetId: '', Nsp: null }, context)).rawSha256).toBe(fromTable.rawSha256);
  });
});
