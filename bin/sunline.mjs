#!/usr/bin/env node
// The `sunline` command. Runs the TypeScript sources through tsx so administrators need no
// build step; tsx is a runtime dependency for the same reason.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { runCli } = await import('../src/cli.ts');
process.exitCode = await runCli(process.argv.slice(2));
