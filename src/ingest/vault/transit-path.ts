import type { Operation } from '../../core/schemas/operations.ts';

export interface TransitCall {
  /** The endpoint as Vault's transit API documents it, e.g. `datakey/wrapped/:name`. */
  endpoint: string;
  operation: Operation;
  keyName: string | null;
}

interface Route {
  pattern: RegExp;
  endpoint: string;
  operation: (vaultOperation: string, data: Record<string, unknown>) => Operation;
}

const fixed = (operation: Operation) => () => operation;

/**
 * Transit secrets engine paths (Vault API docs, "Transit secrets engine (API)"), relative to the mount.
 * The key name is the first capture group. Anything else under a transit mount is `other`.
 */
const ROUTES: readonly Route[] = [
  { pattern: /^encrypt\/([^/]+)$/, endpoint: 'encrypt/:name', operation: fixed('encrypt') },
  { pattern: /^decrypt\/([^/]+)$/, endpoint: 'decrypt/:name', operation: fixed('decrypt') },
  { pattern: /^rewrap\/([^/]+)$/, endpoint: 'rewrap/:name', operation: fixed('re-encrypt') },
  { pattern: /^datakey\/plaintext\/([^/]+)$/, endpoint: 'datakey/plaintext/:name', operation: fixed('generate-data-key') },
  { pattern: /^datakey\/wrapped\/([^/]+)$/, endpoint: 'datakey/wrapped/:name', operation: fixed('generate-data-key') },
  { pattern: /^sign\/([^/]+)(?:\/[^/]+)?$/, endpoint: 'sign/:name', operation: fixed('sign') },
  // verify checks signatures, or HMACs when the request carries `hmac` (keys of data are never HMAC'd).
  { pattern: /^verify\/([^/]+)(?:\/[^/]+)?$/, endpoint: 'verify/:name', operation: (_op, data) => ('hmac' in data ? 'verify-mac' : 'verify') },
  { pattern: /^hmac\/([^/]+)(?:\/[^/]+)?$/, endpoint: 'hmac/:name', operation: fixed('generate-mac') },
  { pattern: /^keys\/([^/]+)\/rotate$/, endpoint: 'keys/:name/rotate', operation: fixed('rotate') },
  { pattern: /^keys\/([^/]+)\/config$/, endpoint: 'keys/:name/config', operation: fixed('update') },
  { pattern: /^keys\/([^/]+)\/trim$/, endpoint: 'keys/:name/trim', operation: fixed('destroy') },
  { pattern: /^keys\/([^/]+)\/import(?:_version)?$/, endpoint: 'keys/:name/import', operation: fixed('import-key') },
  { pattern: /^keys\/([^/]+)$/, endpoint: 'keys/:name', operation: keyOperation },
  { pattern: /^restore(?:\/([^/]+))?$/, endpoint: 'restore/:name', operation: fixed('restore') },
  { pattern: /^(?:export|backup|byok-export)\/(?:[^/]+\/)?([^/]+)(?:\/[^/]+)?$/, endpoint: 'export/:name', operation: fixed('other') },
  { pattern: /^random(?:\/.*)?$/, endpoint: 'random', operation: fixed('generate-random') },
];

function keyOperation(vaultOperation: string): Operation {
  if (vaultOperation === 'create' || vaultOperation === 'update') return 'create-key';
  if (vaultOperation === 'delete') return 'destroy';
  return 'read-metadata';
}

/** `relativePath` is the request path with its namespace and mount prefix removed. */
export function parseTransitPath(relativePath: string, vaultOperation: string, data: Record<string, unknown>): TransitCall {
  for (const route of ROUTES) {
    const match = route.pattern.exec(relativePath);
    if (match !== null) return { endpoint: route.endpoint, operation: route.operation(vaultOperation, data), keyName: match[1] ?? null };
  }
  if (relativePath === 'keys') return { endpoint: 'keys', operation: 'read-metadata', keyName: null };
  return { endpoint: relativePath === '' ? '(mount)' : relativePath.split('/')[0]!, operation: 'other', keyName: null };
}
