import type { ExportConfig } from './config.ts';
import { parseDestination } from './destination.ts';
import { createLocalSink } from './local-sink.ts';
import { createS3Client } from './s3-client.ts';
import { createS3Sink } from './s3-sink.ts';
import type { BundleSink } from './sink.ts';

/** The sink for `config.to`: a local WORM directory or an S3 prefix with Object Lock. */
export function openSink(config: ExportConfig, env: NodeJS.ProcessEnv = process.env): { sink: BundleSink; close(): void } {
  const destination = parseDestination(config.to);
  if (destination.kind === 'local') return { sink: createLocalSink(destination.dir, { immutable: config.immutable }), close: () => undefined };
  const client = createS3Client(config.s3, env);
  return { sink: createS3Sink(client, destination.bucket, destination.prefix), close: () => client.destroy() };
}
