// Module hooks that load the project's TypeScript for tests (decision 0020): SWC with the
// options ts-node derived from tsconfig.json (decision 0018), one output line per source line
// and an inline source map, so that coverage maps to the TypeScript lines; the output is kept
// on disk, keyed by the source's hash, so the ~340 test processes transpile each file once.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import swc from '@swc/core';

const OPTIONS = {
  sourceMaps: 'inline',
  module: { type: 'es6', noInterop: false, strictMode: true, ignoreDynamic: false },
  swcrc: false,
  jsc: {
    parser: { syntax: 'typescript', tsx: false, dynamicImport: true, importAssertions: true },
    target: 'es2022',
    transform: { legacyDecorator: true },
    keepClassNames: true,
  },
};
const CACHE = path.join(
  fileURLToPath(new URL('../../node_modules/.cache/sunline-test-loader/', import.meta.url)),
  createHash('sha1').update(JSON.stringify(OPTIONS)).update(swc.version).digest('hex').slice(0, 12),
);
mkdirSync(CACHE, { recursive: true });

const TS = /\.m?tsx?$/;

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    // `./x.js` written for the emitted file names the `./x.ts` beside it (NodeNext resolution).
    if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !/\.(?:c|m)?js$/.test(specifier)) throw err;
    if (!context.parentURL || !TS.test(context.parentURL)) throw err;
    const ts = specifier.replace(/js$/, 'ts');
    try {
      return await next(ts, context);
    } catch {
      return next(`${ts}x`, context);
    }
  }
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !TS.test(url) || url.includes('/node_modules/')) return next(url, context);
  const file = fileURLToPath(url);
  const source = readFileSync(file, 'utf8');
  const key = createHash('sha1').update(file).update('\0').update(source).digest('hex');
  const cached = path.join(CACHE, key + '.js');
  let code;
  try {
    code = readFileSync(cached, 'utf8');
  } catch {
    code = swc.transformSync(source, { ...OPTIONS, filename: file, jsc: { ...OPTIONS.jsc, parser: { ...OPTIONS.jsc.parser, tsx: file.endsWith('x') } } }).code;
    const tmp = `${cached}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, cached);
  }
  return { format: 'module', source: code, shortCircuit: true };
}
