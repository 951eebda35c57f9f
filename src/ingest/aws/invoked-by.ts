import type { CloudTrailRecord } from './record.ts';

/** Encryption context keys that AWS services set when they call KMS for a principal (S3 SSE-KMS, EBS). */
const SERVICE_CONTEXT_KEYS: Readonly<Record<string, string>> = {
  'aws:s3:arn': 's3.amazonaws.com',
  'aws:ebs:id': 'ec2.amazonaws.com',
};

/** EBS volume decrypts run as this role's sessions, one per instance (AWS KMS Developer Guide, ct-ec2two.md). */
const EC2_INFRASTRUCTURE = /:assumed-role\/aws:ec2-infrastructure\//;

export interface InvokedBy {
  service: string;
  /** Which field revealed the service, so an auditor can weigh it. */
  evidence: 'userIdentity.invokedBy' | 'sourceIPAddress' | 'ec2-infrastructure-session' | 'encryptionContext';
}

/**
 * A service that called KMS on the principal's behalf (forward access sessions, AWS service events). Its
 * requestID is KMS's own and never one an application received, so such events must not join by id.
 */
export function detectInvokedBy(record: CloudTrailRecord): InvokedBy | null {
  const identity = record.userIdentity;
  if (identity?.invokedBy != null) return { service: identity.invokedBy, evidence: 'userIdentity.invokedBy' };
  const source = record.sourceIPAddress;
  if (source != null && isServiceName(source)) return { service: source, evidence: 'sourceIPAddress' };
  if (identity?.arn != null && EC2_INFRASTRUCTURE.test(identity.arn)) return { service: 'ec2.amazonaws.com', evidence: 'ec2-infrastructure-session' };
  const context = record.requestParameters?.encryptionContext ?? record.requestParameters?.sourceEncryptionContext;
  for (const key of Object.keys(context ?? {})) {
    const service = SERVICE_CONTEXT_KEYS[key];
    if (service !== undefined) return { service, evidence: 'encryptionContext' };
  }
  return null;
}

/** sourceIPAddress holds an IP, or a service name such as "AWS Internal" or "s3.amazonaws.com". */
function isServiceName(source: string): boolean {
  return source === 'AWS Internal' || source.endsWith('.amazonaws.com');
}
