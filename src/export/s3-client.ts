import { S3Client } from '@aws-sdk/client-s3';
import { KeytrailError } from '../core/errors.ts';
import type { S3Settings } from './config.ts';

/** An S3 client from settings; keys come from the named environment variables or the SDK's default chain. */
export function createS3Client(settings: S3Settings, env: NodeJS.ProcessEnv = process.env): S3Client {
  const names = settings.credentials;
  let credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
  if (names !== undefined) {
    const read = (name: string): string => {
      const value = env[name];
      if (value === undefined || value === '') throw new KeytrailError('CLI_CONFIG_INVALID', `the environment variable ${name} named in s3.credentials is not set`);
      return value;
    };
    credentials = { accessKeyId: read(names.accessKeyIdEnv), secretAccessKey: read(names.secretAccessKeyEnv), sessionToken: names.sessionTokenEnv === undefined ? undefined : read(names.sessionTokenEnv) };
  }
  return new S3Client({ region: settings.region, endpoint: settings.endpoint, forcePathStyle: settings.forcePathStyle, credentials });
}
