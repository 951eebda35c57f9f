import Database from 'better-sqlite3';
import { hostname } from 'node:os';
import { correlatorLockPath, dataDirPath } from '../core/data-dir.ts';
import { KeytrailError, toKeytrailError } from '../core/errors.ts';

export interface ProcessLock {
  release(): void;
}

/**
 * Holds `path` for the life of this process: an SQLite file opened in exclusive locking mode and written
 * once, so the operating system keeps the lock until the connection closes or the process dies (a kill -9
 * included). A second process asking for the same path gets CLI_LOCKED with `hint` — how to run both.
 */
export function acquireProcessLock(path: string, what: string, hint: string): ProcessLock {
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: 0 });
  } catch (error) {
    throw toKeytrailError(error, 'CLI_IO', `opening the lock file ${path}`);
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, since TEXT NOT NULL)');
    db.prepare('INSERT INTO holder (pid, since) VALUES (?, ?)').run(process.pid, new Date().toISOString());
    db.exec('DELETE FROM holder WHERE rowid < (SELECT MAX(rowid) FROM holder)');
  } catch (error) {
    db.close();
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') {
      throw new KeytrailError('CLI_LOCKED', `${what} is already running in another process (it holds ${path}); ${hint}`, { details: { path } });
    }
    throw toKeytrailError(error, 'CLI_IO', `taking the lock ${path}`);
  }
  return { release: () => db.close() };
}

/** The locks the stages of one process hold: the sealer's (one per chain) and this correlator instance's. */
export function acquireStageLocks(dataDir: string, stages: readonly string[], instanceId: string): ProcessLock[] {
  const locks: ProcessLock[] = [];
  try {
    if (stages.includes('seal')) locks.push(acquireProcessLock(dataDirPath(dataDir, 'sealLock'), `the sealer of ${dataDir}`, 'run one seal process per chain'));
    if (stages.includes('correlate')) {
      const hint = 'give each correlator process that shares this data directory its own --instance-id';
      locks.push(acquireProcessLock(correlatorLockPath(dataDir, instanceId), `the correlator instance ${instanceId}`, hint));
    }
    return locks;
  } catch (error) {
    for (const lock of locks) lock.release();
    throw error;
  }
}

/**
 * The instance id when none is configured: the host name, so containers scaled from one service on one
 * volume differ, and a restarted container keeps its name.
 */
export function defaultInstanceId(): string {
  const name = hostname().replace(/[^A-Za-z0-9._:-]/g, '-').slice(0, 100);
  return name === '' ? 'correlator' : name;
}
