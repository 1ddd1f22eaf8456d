/**
 * Simulated agents in their own process (spawned by bench/lib/run.ts), so their socket.io
 * client work does not share the event loop of the server whose screen-pop latency is being
 * measured, as a browser on another machine would not.
 *
 * Options come as JSON in SUNLINE_SIM_AGENTS. IPC: the child sends {type:'ready'} once every
 * agent is logged in, {type:'hangup', callId} when an agent ends a call (the parent hangs up
 * the caller channel), and on {type:'stop'} replies {type:'result', offers, errors} and exits.
 */
import { startSimAgents, type SimAgents } from '../../scripts/lib/sim-agents.js';

interface ChildOptions {
  url: string;
  count: number;
  answerAfterMs: number;
  talkMs: number;
  usernamePrefix: string;
}

const send = (m: unknown): void => {
  process.send?.(m);
};
const o = JSON.parse(process.env['SUNLINE_SIM_AGENTS'] ?? '{}') as ChildOptions;
// The parent going away ends us too.
process.on('disconnect', () => process.exit(0));

let sims: SimAgents | undefined;
process.on('message', (m: { type?: string }) => {
  if (m.type !== 'stop') return;
  void (async () => {
    await sims?.stop();
    send({ type: 'result', offers: sims?.offers ?? [], errors: sims?.errors ?? [] });
    process.disconnect?.();
    setTimeout(() => process.exit(0), 200).unref();
  })();
});

startSimAgents({
  url: o.url,
  count: o.count,
  answerAfterMs: o.answerAfterMs,
  talkMs: o.talkMs,
  usernamePrefix: o.usernamePrefix,
  hangup: async (callId) => {
    send({ type: 'hangup', callId });
  },
}).then(
  (s) => {
    sims = s;
    send({ type: 'ready' });
  },
  (err: unknown) => {
    send({ type: 'error', message: (err as Error).message });
    process.exit(1);
  },
);
