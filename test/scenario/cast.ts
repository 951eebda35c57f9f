import type { Provider } from '../../src/core/schemas/common.ts';
import type { Principal, TokenStyle } from './calls.ts';
import type { Random } from './random.ts';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const GCP_PROJECT = 'keytrail-demo';
export const GCP_PROJECT_NUMBER = '123456789012';
export const AZURE_SUBSCRIPTION = 'b5f0c8e2-7a1d-4c3e-9f26-1d8a4e7b3c90';
export const AZURE_TENANT = '8d3e1f6a-2b4c-4d5e-9f70-a1b2c3d4e5f6';
export const AZURE_RESOURCE_GROUP = 'keytrail-scenario';

/** An application: it calls one provider as one principal, on a few keys, with its own clock skew. */
export interface App {
  name: string;
  provider: Provider;
  principal: Principal;
  keys: string[];
  /** App clock minus provider clock, in ms (a few seconds either way). */
  skewMs: number;
  /** Azure only: the vault logs the client's x-ms-client-request-id instead of x-ms-request-id. */
  logsClientRequestId: boolean;
  /** GCP only: share of calls that carry a token (the rest need the heuristic rule). */
  tokenShare: number;
  /** GCP only: where the application puts its token (REST clients in the user agent, gRPC ones in the request reason). */
  tokenStyle: TokenStyle;
}

export interface Cast {
  apps: App[];
  users: { id: string; tenant: string }[];
  /** Principals no application uses: operators, batch jobs, an attacker. */
  strangers: Record<Provider, Principal[]>;
  admins: Record<Provider, Principal>;
}

/** Builds the cast: apps spread over the four providers, users over a few tenants. */
export function createCast(random: Random, appCount: number, userCount: number): Cast {
  const providers: Provider[] = ['aws', 'gcp', 'azure', 'vault'];
  const apps: App[] = [];
  for (let index = 0; index < appCount; index += 1) {
    const provider = providers[index % providers.length]!;
    const name = `app-${index}`;
    apps.push({
      name,
      provider,
      principal: principalFor(random, provider, name),
      keys: Array.from({ length: random.int(1, 3) }, (_, keyIndex) => keyFor(random, provider, `${name}-k${keyIndex}`)),
      skewMs: random.int(-3000, 3000),
      logsClientRequestId: provider === 'azure' && index % 8 === 2,
      tokenShare: provider === 'gcp' ? (index % 3 === 1 ? 0 : 0.7) : 1,
      tokenStyle: TOKEN_STYLES[Math.floor(index / 4) % TOKEN_STYLES.length]!,
    });
  }
  const tenants = ['acme', 'globex', 'initech', 'umbrella', 'hooli'];
  const users = Array.from({ length: userCount }, (_, index) => ({ id: `user-${index}@${tenants[index % tenants.length]}.example`, tenant: tenants[index % tenants.length]! }));
  const strangers = Object.fromEntries(
    providers.map((provider) => [provider, ['ops', 'batch-export', 'intruder'].map((name) => principalFor(random, provider, name))]),
  ) as Cast['strangers'];
  const admins = Object.fromEntries(providers.map((provider) => [provider, principalFor(random, provider, 'key-admin')])) as Cast['admins'];
  return { apps, users, strangers, admins };
}

const TOKEN_STYLES: readonly TokenStyle[] = ['user-agent', 'reason', 'user-agent', 'bare-reason'];

/** Principals as each normaliser reports them: an assumed-role ARN, a service account, an Entra object id, a Vault entity. */
function principalFor(random: Random, provider: Provider, name: string): Principal {
  switch (provider) {
    case 'aws':
      return { id: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/${name}-${random.hex(6)}`, type: 'AssumedRole' };
    case 'gcp':
      return name === 'ops' ? { id: `ops@${GCP_PROJECT}.example`, type: 'user' } : { id: `${name}@${GCP_PROJECT}.iam.gserviceaccount.com`, type: 'serviceAccount' };
    case 'azure':
      return name === 'ops' || name === 'key-admin' ? { id: random.uuid(), type: 'user', name: `${name}@contoso.example` } : { id: random.uuid(), type: 'app' };
    case 'vault':
      return { id: random.uuid(), type: 'entity', name: name === 'key-admin' ? 'userpass-kms-admin' : `approle-${name}` };
  }
}

function keyFor(random: Random, provider: Provider, name: string): string {
  switch (provider) {
    case 'aws':
      return `arn:aws:kms:${REGION}:${ACCOUNT}:key/${random.uuid()}`;
    case 'gcp':
      return `projects/${GCP_PROJECT}/locations/europe-west1/keyRings/apps/cryptoKeys/${name}`;
    case 'azure':
      return `https://kv-${name}.vault.azure.net/keys/${name}`;
    case 'vault':
      return name;
  }
}
