#!/usr/bin/env node
// The `sunline` command. In a source checkout it runs the TypeScript sources through tsx, so
// administrators need no build step (tsx is a runtime dependency for that reason); where there
// are no sources (the container image carries dist/ only) it runs the built dist/cli.js.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
let runCli;
if (fs.existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
  ({ runCli } = await import('../src/cli.ts'));
} else {
  ({ runCli } = await import('../dist/cli.js'));
}
process.exitCode = await runCli(process.argv.slice(2));
