import type { KmsEvent } from '../../core/schemas/kms-event.ts';
import type { VaultAuditEntry } from './entry.ts';

export interface VaultOutcome {
  outcome: KmsEvent['outcome'];
  errorCode: string | null;
  /** For batch_input calls: how many items, how many of them failed. */
  batch: { items: number; failures: number } | null;
}

/**
 * `error` is absent on success. A denied request says so in `auth.policy_results.allowed`. A batch call
 * answers with one `batch_results[]` item per input, each with its own `error`; it failed only if every
 * item did. A request entry without its response has an unknown outcome.
 */
export function outcomeOf(entry: VaultAuditEntry): VaultOutcome {
  const batch = batchOf(entry);
  if (entry.error !== null) return { outcome: 'failure', errorCode: compactError(entry.error), batch };
  if (entry.auth?.policy_results?.allowed === false) return { outcome: 'failure', errorCode: 'permission denied', batch };
  if (entry.type === 'request') return { outcome: 'unknown', errorCode: null, batch };
  if (batch !== null && batch.items > 0 && batch.failures === batch.items) {
    return { outcome: 'failure', errorCode: `every batch item failed (${batch.items})`, batch };
  }
  return { outcome: 'success', errorCode: null, batch };
}

function batchOf(entry: VaultAuditEntry): { items: number; failures: number } | null {
  const input = entry.request.data?.batch_input;
  const results = entry.type === 'response' ? entry.response?.data?.batch_results : undefined;
  if (!Array.isArray(input) && !Array.isArray(results)) return null;
  const items = Array.isArray(results) ? results : (input as unknown[]);
  const failures = Array.isArray(results) ? results.filter((item) => hasError(item)).length : 0;
  return { items: items.length, failures };
}

function hasError(item: unknown): boolean {
  const error = (item as { error?: unknown } | null)?.error;
  return typeof error === 'string' && error !== '';
}

/** Vault's multierror text ("1 error occurred:\n\t* permission denied\n\n") → "permission denied". */
export function compactError(error: string): string {
  const bullets = error
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('* '))
    .map((line) => line.slice(2));
  const text = bullets.length > 0 ? bullets.join('; ') : error.trim();
  return text === '' ? 'error' : text;
}
