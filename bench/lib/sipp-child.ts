/**
 * The bench's sipp launcher in a process of its own (forked by bench/lib/sipp-caller.ts).
 *
 * Why: the bench process hosts the server under test, and `child_process.spawn` there copies a
 * large process (the server with its dictionaries and caches: ~370 MB resident) — about 140 ms of
 * the server's event loop per spawn on the development VM, enough to time out ARI requests when
 * every call had its own sipp. A small process spawns in a few ms.
 *
 * IPC: {type:'batch', opts} → the child runs tools/sipp.ts placeCallBatch(opts) and replies
 * {type:'done', result} when sipp exits (or {type:'failed', message}). The parent's disconnect
 * ends the launcher and its sipp.
 */
import { placeCallBatch, type BatchOptions, type BatchResult } from '../../tools/sipp.js';

const send = (m: { type: 'done'; result: BatchResult } | { type: 'failed'; message: string }): void => {
  process.send?.(m);
};
// The parent going away ends us too (sipp's --pdeathsig and the harness's exit hook kill sipp).
process.on('disconnect', () => process.exit(0));

process.on('message', (m: { type: 'batch'; opts: BatchOptions }) => {
  if (m.type !== 'batch') return;
  try {
    void placeCallBatch(m.opts).done.then((result) => send({ type: 'done', result }));
  } catch (e) {
    send({ type: 'failed', message: String(e) });
  }
});
