import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, onTestFailed } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/keytrail.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface LogLine {
  msg?: string;
  stage?: string;
  chainSize?: number;
  [field: string]: unknown;
}

export interface KeytrailProcess {
  readonly child: ChildProcess;
  /** Resolves with the first log line (pino JSON on stderr) matching; rejects if the process exits first. */
  waitForLog(match: (line: LogLine) => boolean): Promise<LogLine>;
  /** Resolves with the exit code (or the signal's name) and everything printed. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  kill(signal: NodeJS.Signals): void;
}

const running = new Set<{ child: ChildProcess; describe(): string }>();

// A test that failed or timed out leaves no stage process behind, and shows what each was last saying.
afterEach(() => {
  for (const entry of running) entry.child.kill('SIGKILL');
  running.clear();
});

/** `keytrail ARGS` in a child process, as an operator would start it. */
export function startKeytrail(args: string[], env: NodeJS.ProcessEnv = {}): KeytrailProcess {
  const child = spawn(process.execPath, ['--no-warnings', BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void; reject: (error: Error) => void }>();
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  createInterface({ input: child.stderr! }).on('line', (text) => {
    stderr += `${text}\n`;
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      return;
    }
    for (const waiter of waiters) {
      if (!waiter.match(line)) continue;
      waiters.delete(waiter);
      waiter.resolve(line);
    }
  });
  const entry = { child, describe: () => `keytrail ${args.join(' ')}\n${stderr.slice(-3000)}` };
  running.add(entry);
  onTestFailed(() => {
    if (child.exitCode === null && child.signalCode === null) console.error(`still running when the test failed: ${entry.describe()}`);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => {
      running.delete(entry);
      for (const waiter of waiters) waiter.reject(new Error(`keytrail ${args.join(' ')} exited (${code ?? signal}) before the awaited log line\n${stderr.slice(-4000)}`));
      waiters.clear();
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    exited,
    waitForLog: (match) =>
      new Promise((resolve, reject) => {
        if (child.exitCode !== null || child.signalCode !== null) reject(new Error(`keytrail ${args.join(' ')} already exited\n${stderr.slice(-4000)}`));
        else waiters.add({ match, resolve, reject });
      }),
    kill: (signal) => {
      child.kill(signal);
    },
  };
}

/** Runs keytrail to completion and fails with its output when it exits non-zero. */
export async function runKeytrail(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string }> {
  const result = await startKeytrail(args, env).exited;
  if (result.code !== 0) throw new Error(`keytrail ${args.join(' ')} exited ${result.code ?? result.signal}\n${result.stderr.slice(-4000)}\n${result.stdout.slice(-2000)}`);
  return result;
}
