/**
 * Preloaded into the built server by bench/memory.ts (`node --expose-gc --require THIS dist/server.js`),
 * so that the server's code is measured unchanged. With SUNLINE_BENCH_PROBE_DIR set, on SIGUSR2 it
 * reads DIR/request ('stats', optionally with 'gc' and 'snapshot') and writes DIR/reply: the
 * process's memoryUsage(), V8's heap and heap-space statistics and, when asked, the path of a heap
 * snapshot it wrote into DIR. Nothing happens without the variable.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');

const dir = process.env.SUNLINE_BENCH_PROBE_DIR;
if (dir) {
  process.on('SIGUSR2', () => {
    const request = fs.readFileSync(path.join(dir, 'request'), 'utf8');
    if (request.includes('gc') && typeof global.gc === 'function') global.gc();
    const reply = {
      memory: process.memoryUsage(),
      heap: v8.getHeapStatistics(),
      spaces: v8.getHeapSpaceStatistics(),
      snapshot: request.includes('snapshot') ? v8.writeHeapSnapshot(path.join(dir, `server-${Date.now()}.heapsnapshot`)) : null,
    };
    fs.writeFileSync(path.join(dir, 'reply.tmp'), JSON.stringify(reply));
    fs.renameSync(path.join(dir, 'reply.tmp'), path.join(dir, 'reply'));
  });
}
