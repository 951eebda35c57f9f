export * from './common.ts';
export * from './operations.ts';
export * from './kms-event.ts';
export * from './app-event.ts';
export * from './record.ts';
export * from './entry.ts';
export * from './checkpoint.ts';
export * from './proof.ts';
