#!/usr/bin/env node
// Node >= 22.18 runs the TypeScript sources directly (type stripping is on by default); this file only forwards to them.
import { silenceKafkajsTimeoutWarnings } from '../src/bus/kafkajs-warnings.ts';
import { main } from '../src/cli/main.ts';

silenceKafkajsTimeoutWarnings();

// `keytrail query … | head` closes stdout early; that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const code = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  isTty: process.stderr.isTTY === true,
});
process.exitCode = code;
// The command is done and its stages have shut down; a timer a client library left behind (kafkajs after a broker
// restart) must not keep the process alive. Exit once everything written has been flushed.
await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));
process.exit(code);
