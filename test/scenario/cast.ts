import type { Provider } from '../../src/core/schemas/common.ts';
import type { Random } from './random.ts';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const GCP_PROJECT = 'keytrail-demo';

/** An application: it calls one provider as one principal, on a few keys, with its own clock skew. */
export interface App {
  name: string;
  provider: Provider;
  principal: { id: string; type: string };
  keys: string[];
  /** App clock minus provider clock, in ms (a few seconds either way). */
  skewMs: number;
  /** Azure only: the vault logs the client's x-ms-client-request-id instead of x-ms-request-id. */
  logsClientRequestId: boolean;
  /** GCP only: share of calls that carry a token (the rest need the heuristic rule). */
  tokenShare: number;
}

export interface Cast {
  apps: App[];
  users: { id: string; tenant: string }[];
  /** Principals no application uses: operators, batch jobs, an attacker. */
  strangers: Record<Provider, { id: string; type: string }[]>;
  admins: Record<Provider, { id: string; type: string }>;
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

function principalFor(random: Random, provider: Provider, name: string): { id: string; type: string } {
  switch (provider) {
    case 'aws':
      return { id: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/${name}-${random.hex(6)}`, type: 'AssumedRole' };
    case 'gcp':
      return { id: `${name}@${GCP_PROJECT}.iam.gserviceaccount.com`, type: 'serviceAccount' };
    case 'azure':
      return { id: random.uuid(), type: 'app' };
    case 'vault':
      return { id: `approle-${name}`, type: 'approle' };
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
