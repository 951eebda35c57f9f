import { z } from 'zod';

const Text = z
  .string()
  .nullish()
  .transform((value) => (value === '' || value === undefined ? null : value));

const Data = z.record(z.string(), z.unknown()).nullish();

/**
 * The Vault audit entry fields keytrail reads (Vault audit log schema; hashicorp/vault audit/types.go).
 * One JSON object per line; each request is logged as a `request` entry and a `response` entry that share
 * `request.id`. Strings under `data` (and tokens, accessors) are `hmac-sha256:<hex>` unless the device has
 * log_raw=true or the mount exempts the key.
 */
export const VaultAuditEntry = z.looseObject({
  time: z.iso.datetime({ offset: false }),
  type: z.enum(['request', 'response']),
  error: Text,
  forwarded_from: Text,
  auth: z
    .looseObject({
      display_name: Text,
      entity_id: Text,
      token_type: Text,
      policies: z.array(z.string()).nullish(),
      policy_results: z.looseObject({ allowed: z.boolean().nullish() }).nullish(),
    })
    .nullish(),
  request: z.looseObject({
    id: z.string().min(1),
    operation: z.string().min(1),
    path: z.string(),
    mount_point: Text,
    mount_type: Text,
    namespace: z.looseObject({ id: Text, path: Text }).nullish(),
    remote_address: Text,
    headers: z.record(z.string(), z.array(z.string())).nullish(),
    data: Data,
  }),
  response: z.looseObject({ data: Data }).nullish(),
});
export type VaultAuditEntry = z.infer<typeof VaultAuditEntry>;

export const HMAC_PREFIX = 'hmac-sha256:';

export function isHmacValue(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith(HMAC_PREFIX);
}

/** The first value of an audited header, unless Vault HMAC'd it (then it cannot be joined on). */
export function headerValue(entry: VaultAuditEntry, name: string): string | null {
  const value = entry.request.headers?.[name]?.[0];
  return value === undefined || value === '' || isHmacValue(value) ? null : value;
}
