/**
 * The bench's sipp launcher in a process of its own (forked once by bench/lib/sipp-caller.ts).
 *
 * Why: the bench process hosts the server under test, and `child_process.spawn` there copies a
 * large process (the server with its dictionaries and caches: ~370 MB resident) on every call —
 * about 140 ms of the server's event loop per sipp on the development VM, 24 % of its samples in a
 * CPU profile at 5 calls/s, enough to time out ARI requests. A small process spawns in a few ms.
 *
 * IPC: {type:'place', id, opts} → the child probes ports, starts sipp and replies {type:'done', id,
 * result} when it exits (or {type:'failed', id, message}); {type:'kill', id} kills that sipp.
 */
import type { CallHandle, CallOptions, CallResult } from '../../tools/sipp.js';
import { placeBenchCallHere } from './sipp-caller.js';

type Message = { type: 'place'; id: number; opts: CallOptions } | { type: 'kill'; id: number };

const handles = new Map<number, CallHandle>();
const send = (m: { type: 'done'; id: number; result: CallResult } | { type: 'failed'; id: number; message: string }): void => {
  process.send?.(m);
};
// The parent going away ends us too (sipp's own exit hook kills what still runs).
process.on('disconnect', () => process.exit(0));

process.on('message', (m: Message) => {
  if (m.type === 'kill') {
    handles.get(m.id)?.kill();
    return;
  }
  void placeBenchCallHere(m.opts).then(
    (h) => {
      handles.set(m.id, h);
      void h.done.then((result) => {
        handles.delete(m.id);
        send({ type: 'done', id: m.id, result });
      });
    },
    (e: unknown) => send({ type: 'failed', id: m.id, message: String(e) }),
  );
});
