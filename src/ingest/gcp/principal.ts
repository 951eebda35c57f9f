import type { KmsEvent } from '../../core/schemas/kms-event.ts';

export interface DelegationStep {
  firstPartyPrincipal?: { principalEmail?: string | undefined } | undefined;
  thirdPartyPrincipal?: Record<string, unknown> | undefined;
  principalSubject?: string | undefined;
}

export interface AuthenticationInfo {
  principalEmail?: string | undefined;
  principalSubject?: string | undefined;
  serviceAccountDelegationInfo?: DelegationStep[] | undefined;
}

/**
 * Google-managed service agents (https://cloud.google.com/iam/docs/service-agents) act for a Google
 * service, never for a user: CMEK encryption by Cloud Storage, BigQuery, Compute Engine, Pub/Sub, ...
 * Their addresses live in Google-owned domains, unlike user-managed accounts (`NAME@PROJECT.iam...`)
 * and the Compute Engine default account (`N-compute@developer...`), which run user code.
 */
const SERVICE_AGENT_DOMAINS: Readonly<Record<string, string>> = {
  'gs-project-accounts.iam.gserviceaccount.com': 'storage.googleapis.com',
  'compute-system.iam.gserviceaccount.com': 'compute.googleapis.com',
  'bigquery-encryption.iam.gserviceaccount.com': 'bigquery.googleapis.com',
  'container-engine-robot.iam.gserviceaccount.com': 'container.googleapis.com',
  'dataflow-service-producer-prod.iam.gserviceaccount.com': 'dataflow.googleapis.com',
  'gcf-admin-robot.iam.gserviceaccount.com': 'cloudfunctions.googleapis.com',
  'serverless-robot-prod.iam.gserviceaccount.com': 'run.googleapis.com',
  'cloudservices.gserviceaccount.com': 'cloudservices',
  'gcp-sa-cloudkms.iam.gserviceaccount.com': 'cloudkms.googleapis.com',
  'gcp-sa-pubsub.iam.gserviceaccount.com': 'pubsub.googleapis.com',
  'gcp-sa-cloud-sql.iam.gserviceaccount.com': 'sqladmin.googleapis.com',
  'gcp-sa-secretmanager.iam.gserviceaccount.com': 'secretmanager.googleapis.com',
  'gcp-sa-artifactregistry.iam.gserviceaccount.com': 'artifactregistry.googleapis.com',
  'gcp-sa-spanner.iam.gserviceaccount.com': 'spanner.googleapis.com',
};

/** The Google service a service agent acts for, or null when the address is not a service agent's. */
export function serviceAgentService(email: string | undefined): string | null {
  if (email === undefined) return null;
  const at = email.lastIndexOf('@');
  if (at === -1) return null;
  const domain = email.slice(at + 1).toLowerCase();
  const known = SERVICE_AGENT_DOMAINS[domain];
  if (known !== undefined) return known;
  // Service agents without a table entry all live under gcp-sa-<service>.iam.gserviceaccount.com.
  const generic = /^(gcp-sa-[a-z0-9-]+)\.iam\.gserviceaccount\.com$/.exec(domain);
  return generic === null ? null : generic[1]!;
}

function principalType(info: AuthenticationInfo): string | null {
  const email = info.principalEmail;
  if (email !== undefined && email !== '') {
    if (serviceAgentService(email) !== null) return 'serviceAgent';
    return email.toLowerCase().endsWith('.gserviceaccount.com') ? 'serviceAccount' : 'user';
  }
  const subject = info.principalSubject ?? '';
  if (subject.startsWith('principal://') || subject.startsWith('principalSet://')) return 'federated';
  if (subject.startsWith('serviceAccount:')) return 'serviceAccount';
  return subject === '' ? null : 'subject';
}

function delegationIdentity(step: DelegationStep): string | undefined {
  const email = step.firstPartyPrincipal?.principalEmail;
  if (email !== undefined && email !== '') return email;
  if (step.principalSubject !== undefined && step.principalSubject !== '') return step.principalSubject;
  return step.thirdPartyPrincipal === undefined ? undefined : 'third-party-principal';
}

/**
 * The caller from authenticationInfo: the authenticated email (sometimes redacted, then the subject).
 * With impersonation, serviceAccountDelegationInfo lists the real authorities in the order the
 * delegation happened (audit_log.proto), so the chain starts with the human or workload behind it.
 */
export function principalOf(info: AuthenticationInfo | undefined): KmsEvent['principal'] {
  if (info === undefined) return null;
  const id = nonEmpty(info.principalEmail) ?? nonEmpty(info.principalSubject);
  if (id === undefined) return null;
  const chain = (info.serviceAccountDelegationInfo ?? []).map(delegationIdentity).filter((step): step is string => step !== undefined);
  return chain.length === 0 ? { id, type: principalType(info) } : { id, type: principalType(info), delegationChain: chain };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
