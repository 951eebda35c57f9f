import { z } from 'zod';

/** Data-plane operations: a use of key material on behalf of a caller. */
export const DATA_OPERATIONS = [
  'encrypt',
  'decrypt',
  'generate-data-key',
  'generate-data-key-pair',
  're-encrypt',
  'sign',
  'verify',
  'generate-mac',
  'verify-mac',
  'wrap',
  'unwrap',
  'derive-shared-secret',
  'generate-random',
] as const;

/** Key lifecycle operations: sealed as their own records, never joined to a user request. */
export const LIFECYCLE_OPERATIONS = [
  'create-key',
  'import-key',
  'rotate',
  'enable',
  'disable',
  'enable-rotation',
  'disable-rotation',
  'schedule-deletion',
  'cancel-deletion',
  'destroy',
  'restore',
  'update',
] as const;

/** Everything else the providers log about keys (metadata reads, listing, policy reads). */
export const OTHER_OPERATIONS = ['read-metadata', 'other'] as const;

export const Operation = z
  .enum([...DATA_OPERATIONS, ...LIFECYCLE_OPERATIONS, ...OTHER_OPERATIONS])
  .describe('The normalised operation; the provider\'s own name travels beside it as rawOperation');
export type Operation = z.infer<typeof Operation>;

const LIFECYCLE = new Set<string>(LIFECYCLE_OPERATIONS);

export function isLifecycleOperation(operation: Operation): boolean {
  return LIFECYCLE.has(operation);
}

/**
 * The operation a provider's name maps to in `table`, or `other`. Only the table's own entries count: a
 * provider name such as `toString` or `constructor` must not find Object.prototype's members.
 */
export function lookupOperation(table: Readonly<Record<string, Operation>>, name: string): Operation {
  return Object.hasOwn(table, name) ? table[name]! : 'other';
}
