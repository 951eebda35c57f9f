import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { awsCloudTrailSource } from '../src/ingest/aws/source.ts';
import { ingestFile } from '../src/ingest/ingest-file.ts';
import { AWS_FILES, loadCloudTrailRecords } from './helpers/fixtures.ts';
import { openIngestEnv, readDeadLetters, readKmsEvents } from './helpers/ingest-env.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();

describe('CloudTrail log files', () => {
  it('publishes every KMS record of the fixture files once, filters other services and drops the repeated eventID', async () => {
    const env = openIngestEnv(tempDir());
    try {
      const counts = [];
      for (const path of [AWS_FILES.dataPlane, AWS_FILES.lifecycle, AWS_FILES.callerAccount]) counts.push(await ingestFile(awsCloudTrailSource, path, env));
      const all = [AWS_FILES.dataPlane, AWS_FILES.lifecycle, AWS_FILES.callerAccount].flatMap(loadCloudTrailRecords);
      const kms = all.filter((record) => record.eventSource === 'kms.amazonaws.com');
      const distinct = new Set(kms.map((record) => record.eventID));
      expect(counts.map((count) => count.read)).toEqual([14, 8, 2]);
      expect(counts.reduce((sum, count) => sum + count.filtered, 0)).toBe(all.length - kms.length);
      expect(counts.reduce((sum, count) => sum + count.duplicates, 0)).toBe(kms.length - distinct.size);
      expect(counts[1]!.duplicates).toBe(1);
      const events = await readKmsEvents(env);
      expect(events.map((event) => event.eventId).sort()).toEqual([...distinct].sort());
      expect(await readDeadLetters(env)).toEqual([]);
    } finally {
      await env.close();
    }
  });

  it('drops the records of a file read a second time as duplicates', async () => {
    const env = openIngestEnv(tempDir());
    try {
      const first = await ingestFile(awsCloudTrailSource, AWS_FILES.dataPlane, env);
      const second = await ingestFile(awsCloudTrailSource, AWS_FILES.dataPlane, env);
      expect(second).toMatchObject({ read: first.read, published: 0, duplicates: first.published, filtered: first.filtered });
      expect(await readKmsEvents(env)).toHaveLength(first.published);
    } finally {
      await env.close();
    }
  });

  it('dead-letters a record that is not a CloudTrail record, with its code, position and bytes, and keeps the rest', async () => {
    const directory = tempDir();
    const env = openIngestEnv(directory);
    try {
      const [good] = loadCloudTrailRecords(AWS_FILES.dataPlane);
      const bad = { eventName: 'Decrypt', eventSource: 'kms.amazonaws.com', eventTime: 'yesterday' };
      const path = join(directory, '111122223333_CloudTrail_eu-west-1_20260110T1300Z_bad.json.gz');
      writeFileSync(path, gzipSync(JSON.stringify({ Records: [good, bad] })));
      const counts = await ingestFile(awsCloudTrailSource, path, env);
      expect(counts).toMatchObject({ read: 2, deadLettered: 1, deadLetterCodes: { INGEST_AWS_RECORD_INVALID: 1 } });
      const [letter] = await readDeadLetters(env);
      expect(letter).toMatchObject({ code: 'INGEST_AWS_RECORD_INVALID', stage: 'ingest/aws', source: path, position: `${path}:1#/Records/1` });
      expect(JSON.parse(Buffer.from(letter!.rawBase64, 'base64').toString('utf8'))).toEqual(bad);
    } finally {
      await env.close();
    }
  });
});
