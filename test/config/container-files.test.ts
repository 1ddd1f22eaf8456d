/**
 * The container image's runtime stage carries what the Dockerfile copies — built dist/, bin/,
 * migrations/, config/, package.json, node_modules — and no sources. No Docker engine here:
 * the test assembles exactly that file set from the Dockerfile's own COPY lines and runs the
 * `sunline` command from it, as an administrator would with `docker exec … sunline`.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { REPO } from './fixtures/yaml.js';

/** `COPY` lines of the last stage: [source, destination] pairs (from the build stage or the context). */
function runtimeCopies(dockerfile: string): { from: 'build' | 'context'; src: string; dest: string }[] {
  const stages = dockerfile.split(/^FROM /m);
  const last = stages[stages.length - 1] ?? '';
  return last
    .split('\n')
    .filter((l) => l.startsWith('COPY '))
    .map((l) => {
      const parts = l.split(/\s+/).slice(1);
      const fromBuild = parts[0] === '--from=build';
      const [src, dest] = fromBuild ? parts.slice(1) : parts;
      return { from: fromBuild ? 'build' : 'context', src: src!, dest: dest! };
    });
}

t.test('the runtime file set runs `sunline config check` and `sunline users` without sources', async (t) => {
  const copies = runtimeCopies(fs.readFileSync(path.join(REPO, 'Dockerfile'), 'utf8'));
  t.ok(
    copies.some((c) => c.src === '/app/dist'),
    'the image carries the build',
  );
  t.notOk(
    copies.some((c) => c.src === 'src' || c.src.startsWith('src/')),
    'the image carries no sources (so the bin script must run dist/)',
  );
  const app = t.testdir({});
  // dist/ as `npm run build` makes it, minus the type check (npm test runs that): esbuild emits
  // each file of tsconfig.build.json's set one to one, in seconds where tsc takes a minute.
  const build = path.join(app, 'dist');
  const sources = (fs.readdirSync(path.join(REPO, 'src'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.startsWith('web'))
    .map((f) => path.join(REPO, 'src', f));
  await esbuild.build({
    entryPoints: sources,
    outdir: build,
    outbase: path.join(REPO, 'src'),
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
  });
  for (const c of copies) {
    const dest = path.join(app, c.dest.replace(/^\.\//, ''));
    if (c.from === 'build') {
      if (c.src === '/app/dist') continue; // built above
      t.equal(c.src, '/app/node_modules', `only dist and node_modules come from the build stage (${c.src})`);
      fs.symlinkSync(path.join(REPO, 'node_modules'), dest); // the pruned copy: same packages minus dev ones
    } else {
      // Multi-source COPY lines (`COPY a b ./`) copy each source into the folder.
      fs.cpSync(
        path.join(REPO, c.src),
        c.dest.endsWith('/') && c.dest !== './' ? path.join(dest, path.basename(c.src)) : c.dest === './' ? path.join(app, c.src) : dest,
        { recursive: true },
      );
    }
  }
  t.notOk(fs.existsSync(path.join(app, 'src')), 'no sources in the file set');
  const env = {
    ...process.env,
    _TAPJS_PROCESSINFO_COVERAGE_: '0',
    SUNLINE_DB_FILE: path.join(app, 'data', 'sunline.db'),
    SUNLINE_CONFIG_DIR: path.join(app, 'config'),
  };
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(app, 'bin', 'sunline.mjs'), ...args], { cwd: app, env, encoding: 'utf8', timeout: 60_000 });

  const check = run('config', 'check', 'config');
  t.equal(check.status, 0, check.stderr);
  // (Any warning comes first, e.g. calendar.yaml lacking the coming year from November on.)
  t.match(check.stdout, /^config OK in config: numbers\.yaml/m);
  const add = run('users', 'add', 'first-admin', '--role', 'admin');
  t.equal(add.status, 0, add.stderr);
  t.match(add.stdout, /user first-admin \(admin\) created\npassword: \S{16} /);
  const list = run('users', 'list');
  t.match(list.stdout, /^first-admin\tadmin\t-\tactive/);
});
