/**
 * Runs tasks one at a time in arrival order. Intakes that accept several connections at once use it so that
 * dedup and the parked records see one batch at a time.
 */
export function createSerialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  };
}
