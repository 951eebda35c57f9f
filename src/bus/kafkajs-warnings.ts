/**
 * kafkajs arms timers with negative delays, which Node 24 clamps to 1 ms and reports as TimeoutNegativeWarning;
 * that one is noise. Every other process warning is still printed.
 */
export function silenceKafkajsTimeoutWarnings(): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name !== 'TimeoutNegativeWarning') process.stderr.write(`${warning.name}: ${warning.message}\n`);
  });
}
