#!/usr/bin/env node
// Node >= 22.18 runs the TypeScript sources directly (type stripping is on by default); this file only forwards to them.
import { main } from '../src/cli/main.ts';

// `keytrail query … | head` closes stdout early; that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  isTty: process.stderr.isTTY === true,
});
