import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestFile } from '../src/ingest/ingest-file.ts';
import { vaultAuditSource } from '../src/ingest/vault/source.ts';
import { loadVaultEntries, VAULT_FILES } from './helpers/fixtures.ts';
import { openIngestEnv, readDeadLetters, readKmsEvents } from './helpers/ingest-env.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();

describe('Vault file audit device logs', () => {
  it('publishes one event per transit request, merges request entries into their responses and filters other mounts', async () => {
    const env = openIngestEnv(tempDir());
    try {
      const entries = loadVaultEntries(VAULT_FILES.hmac);
      const transit = entries.filter((entry) => entry.request.mount_type === 'transit');
      const ids = new Set(transit.map((entry) => entry.request.id));
      const counts = await ingestFile(vaultAuditSource, VAULT_FILES.hmac, env);
      expect(counts).toMatchObject({
        read: entries.length,
        published: ids.size,
        merged: transit.length - ids.size,
        filtered: entries.length - transit.length,
        duplicates: 0,
        deadLettered: 0,
      });
      const events = await readKmsEvents(env);
      expect(events.map((event) => event.eventId).sort()).toEqual([...ids].sort());
      const unknown = events.filter((event) => event.outcome === 'unknown');
      expect(unknown.map((event) => event.joinKeys.correlationId)).toEqual(['req-7c40-lost']);
      expect(events.filter((event) => event.attributes?.entryType === 'response')).toHaveLength(ids.size - 1);
    } finally {
      await env.close();
    }
  });

  it('takes the union of two devices: a request both logged is published once', async () => {
    const env = openIngestEnv(tempDir());
    try {
      await ingestFile(vaultAuditSource, VAULT_FILES.hmac, env);
      const raw = await ingestFile(vaultAuditSource, VAULT_FILES.raw, env);
      const accessor = await ingestFile(vaultAuditSource, VAULT_FILES.accessorRaw, env);
      expect(raw).toMatchObject({ read: 4, published: 1, duplicates: 1, merged: 2 });
      expect(accessor).toMatchObject({ read: 2, published: 1, merged: 1 });
      const events = await readKmsEvents(env);
      expect(new Set(events.map((event) => event.eventId)).size).toBe(events.length);
    } finally {
      await env.close();
    }
  });

  it('dead-letters a line that is not JSON and one that is not an audit entry, with their positions', async () => {
    const directory = tempDir();
    const env = openIngestEnv(directory);
    try {
      const path = join(directory, 'audit.log');
      const [first, second] = loadVaultEntries(VAULT_FILES.raw);
      writeFileSync(path, [JSON.stringify(first), '{"time":"2026-01-10T12:00:00Z","type":"request","req', JSON.stringify({ type: 'response', request: { id: 'x' } }), JSON.stringify(second)].join('\n'));
      const counts = await ingestFile(vaultAuditSource, path, env);
      expect(counts).toMatchObject({ read: 4, published: 1, merged: 1, deadLettered: 2, deadLetterCodes: { INGEST_LINE_NOT_JSON: 1, INGEST_VAULT_ENTRY_INVALID: 1 } });
      expect((await readDeadLetters(env)).map((letter) => letter.position).sort()).toEqual([`${path}:2`, `${path}:3`]);
    } finally {
      await env.close();
    }
  });
});
