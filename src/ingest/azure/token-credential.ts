import { readFile } from 'node:fs/promises';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { KeytrailError } from '../../core/errors.ts';

/**
 * A TokenCredential whose token is held by reference: read from a file on every request (a workload
 * identity or `az account get-access-token` job can refresh it in place) or from an environment
 * variable. The short expiry makes the SDK's bearer policy ask again within minutes.
 */
export function createReferencedTokenCredential(reference: { tokenFile?: string | undefined; tokenEnv?: string | undefined }, env: NodeJS.ProcessEnv = process.env): TokenCredential {
  if (reference.tokenFile === undefined && reference.tokenEnv === undefined) {
    throw new KeytrailError('CLI_CONFIG_INVALID', 'the Azure logs input needs tokenFile or tokenEnv (or an injected credential)');
  }
  return {
    async getToken(): Promise<AccessToken> {
      const token = reference.tokenFile !== undefined ? (await readToken(reference.tokenFile)) : env[reference.tokenEnv!]?.trim();
      if (token === undefined || token === '') throw new KeytrailError('CLI_CONFIG_INVALID', `no access token in ${reference.tokenFile ?? `$${reference.tokenEnv}`}`);
      return { token, expiresOnTimestamp: Date.now() + 3 * 60_000 };
    },
  };
}

async function readToken(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    throw new KeytrailError('INGEST_SOURCE_UNREADABLE', `cannot read the Azure access token file ${path}`, { cause: error });
  }
}
