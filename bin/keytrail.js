#!/usr/bin/env node
// Node >= 22.18 runs the TypeScript sources directly (type stripping is on by default); this file only forwards to them.
import { main } from '../src/cli/main.ts';

process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  isTty: process.stderr.isTTY === true,
});
