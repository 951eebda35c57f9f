import { readFileSync } from 'node:fs';
import { systemClock } from '../src/core/ports.ts';
import { normaliseVaultEntry } from '../src/ingest/vault/normalise.ts';
import { createVaultPairer } from '../src/ingest/vault/pairing.ts';
import { registerBenchRows } from './ingest-rows.ts';

const lines = readFileSync(new URL('../fixtures/vault/audit.log', import.meta.url), 'utf8').trim().split('\n');
const entries = lines.map((line) => JSON.parse(line) as { type: string; request: { mount_type?: string } });
const responses = entries.filter((entry) => entry.type === 'response' && entry.request.mount_type === 'transit');
const context = { source: 'bench', ingestTime: new Date('2026-01-10T13:00:00Z') };

registerBenchRows(
  {
    name: `vault  normaliseVaultEntry (${responses.length} transit response entries)`,
    inputs: responses,
    run: (entry) => normaliseVaultEntry(entry, context),
  },
  (() => {
    // Pairing included: every line of the log is parsed, paired and the resulting items normalised.
    const pairer = createVaultPairer({ clock: systemClock, timeoutMs: Number.POSITIVE_INFINITY, maxParked: 100_000 });
    const raw = lines.map((line) => Buffer.from(line));
    return {
      name: `vault  parse + pair + normalise (${lines.length} audit log lines)`,
      inputs: raw,
      run: (bytes: unknown) => {
        const item = { ok: true as const, value: JSON.parse((bytes as Buffer).toString('utf8')) as unknown, raw: bytes as Buffer, position: 'bench' };
        for (const ready of pairer.accept(item)) if (ready.ok) normaliseVaultEntry(ready.value, context);
      },
    };
  })(),
);
