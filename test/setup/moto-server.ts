import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

/** moto 5.2 implements Object Lock (COMPLIANCE/GOVERNANCE, bypass header), versioned GET/HEAD, If-None-Match and ChecksumSHA256. */
export const MOTO_REQUIREMENT = 'moto[server]==5.2.5';

declare module 'vitest' {
  export interface ProvidedContext {
    s3Endpoint: string;
  }
}

/** Credentials moto accepts (it checks none); tests and child processes use these. */
export const S3_TEST_ENV = { AWS_ACCESS_KEY_ID: 'keytrail-test', AWS_SECRET_ACCESS_KEY: 'keytrail-test', AWS_REGION: 'us-east-1' } as const;

function cacheDir(): string {
  return process.env.KEYTRAIL_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'keytrail');
}

/** A virtualenv outside the repository with moto's server installed from PyPI; its python, once importable. */
export function ensureMoto(): string {
  const venv = join(cacheDir(), `venv-${MOTO_REQUIREMENT.replace(/[^a-z0-9.=]/gi, '')}`);
  const python = join(venv, 'bin', 'python');
  const importable = (): boolean => existsSync(python) && spawnSync(python, ['-c', 'import moto.server'], { stdio: 'ignore' }).status === 0;
  if (importable()) return python;
  const steps: [string, string[]][] = [
    ['python3', ['-m', 'venv', '--clear', venv]],
    [python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', MOTO_REQUIREMENT]],
  ];
  for (const [command, args] of steps) {
    const result = spawnSync(command, args, { encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(`the S3 test server (moto) could not be installed: ${command} ${args.join(' ')} exited ${result.status ?? result.error?.message}\n${result.stderr ?? ''}${result.stdout ?? ''}\nInstall python3 with venv and pip (Debian: apt-get install python3-venv).`);
    }
  }
  if (!importable()) throw new Error(`moto was installed into ${venv} but cannot be imported`);
  return python;
}

// Runs moto_server's main, and exits when stdin closes: the server goes when the process that started it goes.
const LAUNCHER = ['import os, sys, threading', 'from moto.server import main', 'threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()', "main(['-H', '127.0.0.1', '-p', '0'])"].join('\n');

export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts moto's S3-compatible server on 127.0.0.1 and an ephemeral port; resolves once it says where it listens. */
export function startMoto(python: string = ensureMoto()): Promise<MotoServer> {
  const child: ChildProcess = spawn(python, ['-c', LAUNCHER], { stdio: ['pipe', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match === null) return;
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onData);
      child.stdout!.resume();
      child.stderr!.resume();
      child.off('exit', onExit);
      resolve({
        endpoint: `http://127.0.0.1:${match[1]}`,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.stdin!.end();
          }),
      });
    };
    const onExit = (code: number | null): void => reject(new Error(`the S3 test server (moto) exited with ${code} before listening:\n${output}`));
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', onExit);
    child.once('error', reject);
  });
}

/** vitest globalSetup: one moto server for the whole run (tests use a bucket each); the run fails if it cannot start. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startMoto();
  process.env.KEYTRAIL_TEST_S3_ENDPOINT = server.endpoint;
  project.provide('s3Endpoint', server.endpoint);
  return () => server.stop();
}
