import { z } from 'zod';

export const PROVIDERS = ['aws', 'gcp', 'azure', 'vault'] as const;
export const Provider = z.enum(PROVIDERS).describe('KMS provider: AWS KMS, Google Cloud KMS, Azure Key Vault or HashiCorp Vault');
export type Provider = z.infer<typeof Provider>;

export const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

/** Event times are RFC 3339 in UTC (`Z`), with the provider's own fractional precision kept. */
export const UtcTime = z.iso.datetime({ offset: false });

/** Application clocks may report an offset; RFC 3339 either way. */
export const Rfc3339Time = z.iso.datetime({ offset: true });
