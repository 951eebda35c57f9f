#!/usr/bin/env -S node --experimental-strip-types
// Node >= 22.12 runs the TypeScript sources directly (type stripping); this file only forwards to them.
import { main } from '../src/cli/main.ts';

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
