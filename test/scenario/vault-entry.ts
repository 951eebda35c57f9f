import { createHmac } from 'node:crypto';
import type { Operation } from '../../src/core/schemas/operations.ts';
import { formatCallTime, type KmsCall } from './calls.ts';

/**
 * How an audit device writes values (Vault audit devices: `hmac_accessor`, `log_raw`): the default
 * HMACs tokens, accessors and every string under `data`; `hmac_accessor=false` leaves accessors readable;
 * `log_raw=true` writes everything as sent.
 */
export type VaultDevice = 'default' | 'hmac-accessor-false' | 'log-raw';

const SALT = 'keytrail-scenario-audit-salt';
const MOUNT_ACCESSOR = 'transit_5f2a9c1e';
const VERSION = 'v1.18.3+builtin.vault';

const PATHS: Partial<Record<Operation, string>> = {
  encrypt: 'encrypt',
  decrypt: 'decrypt',
  'generate-data-key': 'datakey/wrapped',
  rotate: 'keys/:name/rotate',
};

/** Response time after the request entry, in µs: transit answers in milliseconds. */
export function vaultDurationMicros(call: KmsCall): number {
  return 400 + (call.variant % 40) * 350;
}

/**
 * One of the two audit entries Vault writes for the call (fields and order as hashicorp/vault
 * audit/types.go, like `fixtures/vault`): the request entry before the call is handled, the response
 * entry after, both with `request.id` and the audited `x-correlation-id` header (Vault >= 1.17 logs it
 * unhashed). Failures: `permission denied` (the request entry already carries the error and
 * `policy_results.allowed: false`) or `invalid request` (only the response entry fails, Vault's multierror
 * text, an HMAC'd `data.error`).
 */
export function renderVaultEntry(call: KmsCall, device: VaultDevice, type: 'request' | 'response'): Record<string, unknown> {
  const name = call.keyId;
  const template = PATHS[call.operation];
  if (template === undefined) throw new Error(`no transit path for ${call.operation}`);
  const path = `transit/${template.includes(':name') ? template.replace(':name', name) : `${template}/${name}`}`;
  const denied = call.outcome === 'failure' && !call.responseMissing && call.variant % 2 === 0;
  const invalid = call.outcome === 'failure' && !call.responseMissing && !denied;
  const value = (text: string) => (device === 'log-raw' ? text : hmac(text));
  const accessor = (text: string) => (device === 'default' ? hmac(text) : text);
  const token = `hvs.CAES${call.principal!.id.replace(/-/g, '').slice(0, 24)}`;
  const tokenAccessor = call.principal!.id.replace(/-/g, '').slice(8, 32);
  const version = 1 + (call.variant % 4);
  const ciphertext = `vault:v${version}:${Buffer.from(`${call.eventId}/ciphertext`).toString('base64')}`;
  const plaintext = Buffer.from(`${call.eventId}/plaintext`).toString('base64');
  const auth = {
    client_token: value(token),
    accessor: accessor(tokenAccessor),
    display_name: call.principal!.name,
    policies: ['default', 'transit-apps'],
    token_policies: ['default', 'transit-apps'],
    policy_results: denied ? { allowed: false } : { allowed: true, granting_policies: [{ name: 'transit-apps', namespace_id: 'root', type: 'acl' }] },
    entity_id: call.principal!.id,
    token_type: 'service',
    token_ttl: 2_764_800,
    token_issue_time: new Date(Math.floor(call.timeMs / 3_600_000) * 3_600_000).toISOString().replace('.000Z', 'Z'),
  };
  const request = {
    id: call.joinKeys.requestId,
    client_id: call.principal!.id,
    operation: 'update',
    mount_point: 'transit/',
    mount_type: 'transit',
    mount_accessor: MOUNT_ACCESSOR,
    mount_running_version: VERSION,
    mount_class: 'secret',
    client_token: value(token),
    client_token_accessor: accessor(tokenAccessor),
    namespace: { id: 'root' },
    path,
    ...requestData(call.operation, value, plaintext, ciphertext),
    remote_address: call.sourceIp,
    remote_port: 40_000 + (call.variant % 20_000),
    headers: { 'x-correlation-id': [call.joinKeys.correlationId], 'user-agent': [call.operation === 'rotate' ? 'vault/1.18.3 (+https://www.vaultproject.io/; go1.23.4)' : 'scenario-app/1.0 vault-client-go/0.4.3'] },
  };
  const time = formatCallTime(call, 6, type === 'response' ? vaultDurationMicros(call) * 1000 : 0);
  if (type === 'request') return { time, auth, ...(denied ? { error: 'permission denied' } : {}), request, type };
  const error = denied ? 'permission denied' : invalid ? 'invalid request' : undefined;
  const data = error === undefined ? responseData(call.operation, value, plaintext, ciphertext, version) : { error: value(error) };
  return {
    time,
    auth,
    ...(error === undefined ? {} : { error: `1 error occurred:\n\t* ${error}\n\n` }),
    request,
    response: { mount_point: 'transit/', mount_type: 'transit', mount_accessor: MOUNT_ACCESSOR, mount_running_plugin_version: VERSION, mount_class: 'secret', ...(data === undefined ? {} : { data }) },
    type,
  };
}

function requestData(operation: Operation, value: (text: string) => string, plaintext: string, ciphertext: string): { data?: Record<string, unknown> } {
  switch (operation) {
    case 'encrypt':
      return { data: { plaintext: value(plaintext) } };
    case 'decrypt':
      return { data: { ciphertext: value(ciphertext) } };
    case 'generate-data-key':
      // Numbers are never HMAC'd.
      return { data: { bits: 256 } };
    default:
      return {};
  }
}

function responseData(operation: Operation, value: (text: string) => string, plaintext: string, ciphertext: string, version: number): Record<string, unknown> | undefined {
  switch (operation) {
    case 'encrypt':
    case 'generate-data-key':
      return { ciphertext: value(ciphertext), key_version: version };
    case 'decrypt':
      return { plaintext: value(plaintext) };
    default:
      return undefined;
  }
}

function hmac(text: string): string {
  return `hmac-sha256:${createHmac('sha256', SALT).update(text).digest('hex')}`;
}
