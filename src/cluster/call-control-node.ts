/**
 * A node that may control calls, of several (issue 16 item 3): with SUNLINE_REDIS_URL and
 * telephony configured, the node competes for the call-control lease (lease.ts) and runs the app
 * in the role the lease gives it:
 *
 * - standby: the app without telephony (no ARI, AMI or browser audio, nothing touches Asterisk);
 *   it serves everything else, and refuses call commands with CALL_CONTROL_ELSEWHERE like any
 *   node without call control;
 * - leader: on acquiring the lease the standby app is closed and the app is built with telephony,
 *   exactly as a restarted server starts (decision 0007: it takes over what Asterisk holds —
 *   queued callers stay queued, answered calls go on — with the agents' sessions as the database
 *   has them now);
 * - fenced: on losing the lease, ARI and AMI are cut at once, in the lease's callback (as a crash
 *   would: nothing more is sent to Asterisk), then that app is closed and the node stands by again.
 *
 * The node owns its HTTP listener (node-listener.ts), which stays open across role changes: between
 * two apps requests wait for the next one; the closed app's sockets end and the node's consoles
 * reconnect by themselves (decision 0007). Role changes run one after the other.
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { AppOverrides, Sunline } from '../app.js';
import { EnvError, type Env } from '../config/env.js';
import type { Logger } from '../logging/logger.js';
import { cutTelephony } from '../calls/fencing.js';
import { CallControlLease, type LeaseRole } from './lease.js';
import { NodeListener, type NodeListenerOptions } from './node-listener.js';

const RETRY_MS = 2000;

export interface CallControlNodeOptions {
  /** The node's environment, with SUNLINE_REDIS_URL and telephony. */
  readonly env: Env;
  readonly log: Logger;
  readonly build: (env: Env, overrides: AppOverrides) => Promise<Sunline>;
  /** The address the node listens on, whichever app runs (port 0: any free port, see `address`). */
  readonly listen: { readonly host: string; readonly port: number };
  /** Test hook: how long requests wait between two apps, and the like. */
  readonly listener?: NodeListenerOptions;
  /** A role change failed (an app would not build): the process should end. */
  readonly onFatal: (err: unknown) => void;
  /** Test hook: the lease's key (one per test). */
  readonly leaseKey?: string;
}

/** What the standby runs: no telephony, so no browser audio either (env.ts's rule). */
export function standbyEnv(env: Env): Env {
  return { ...env, telephony: false, media: null, mediaOff: 'standby: another node holds the call-control lease' };
}

export class CallControlNode {
  readonly #o: CallControlNodeOptions;
  readonly #lease: CallControlLease;
  readonly #listener: NodeListener;
  #app: Sunline | null = null;
  #role: LeaseRole = 'standby';
  #chain: Promise<void> = Promise.resolve();
  #closing = false;
  /** When the lease was last acquired (monotonic ms), for the takeover's duration. */
  #acquiredAt = 0;
  /** The cut of the leader app being built, once its telephony starts (before the build returns it). */
  #cutBuilding: (() => void) | null = null;

  constructor(opts: CallControlNodeOptions) {
    if (!opts.env.redisUrl || !opts.env.telephony) throw new Error('a call-control node needs SUNLINE_REDIS_URL and telephony');
    this.#o = opts;
    this.#listener = new NodeListener(opts.listener);
    this.#lease = new CallControlLease({
      url: opts.env.redisUrl,
      ttlMs: opts.env.lease.ttlMs,
      renewMs: opts.env.lease.renewMs,
      log: opts.log.child({ component: 'lease' }),
      ...(opts.leaseKey ? { key: opts.leaseKey } : {}),
      onAcquired: () => {
        this.#acquiredAt = performance.now();
        this.#switchTo('leader');
      },
      onFenced: () => {
        // Fencing: not one more request to Asterisk from this app, before anything else happens —
        // also from a leader app still being built, whose telephony may already have started.
        if (this.#role === 'leader' && this.#app) cutTelephony(this.#app.calls, this.#app.log);
        this.#cutBuilding?.();
        this.#switchTo('standby');
      },
    });
  }

  get nodeId(): string {
    return this.#lease.nodeId;
  }

  /** The role of the app that runs now. */
  get role(): LeaseRole {
    return this.#role;
  }

  /** Whether this node holds the lease now (the app follows once rebuilt). */
  get holdsLease(): boolean {
    return this.#lease.role === 'leader';
  }

  /** The app that runs now; null while a role change is under way. */
  get app(): Sunline | null {
    return this.#app;
  }

  /** The address the node listens on (once started). */
  get address(): AddressInfo | null {
    return this.#listener.address;
  }

  /** Opens the address, starts as standby, then competes for the lease. */
  async start(): Promise<void> {
    const at = await this.#listener.listen(this.#o.listen.host, this.#o.listen.port);
    this.#switchTo('standby');
    await this.#chain;
    if (!this.#app) {
      await this.#listener.close();
      throw new Error('the standby app did not start');
    }
    // Once the first app serves the address (what a start script waits for, as for one node).
    this.#o.log.info({ host: this.#o.listen.host, port: at.port }, 'sunline listening');
    this.#lease.start();
  }

  /** Resolves once the role changes asked for so far are done. */
  settled(): Promise<void> {
    return this.#chain;
  }

  /** Clean shutdown: the app first (its telephony closed), then the lease, so a standby takes over at once; the address last. */
  async close(): Promise<void> {
    this.#closing = true;
    await this.#chain;
    const app = this.#app;
    this.#app = null;
    await this.#listener.detach();
    await app?.close();
    await this.#lease.release();
    await this.#listener.close();
  }

  /**
   * The takeover is done when the leader app's first reconcile has read Asterisk and taken its
   * calls over (ARI and AMI connected; decision 0007). Logged with the time since the lease was
   * acquired: bench/failover.ts reads this line.
   */
  #watchTakeover(app: Sunline): void {
    const acquiredAt = this.#acquiredAt;
    void app.calls.center?.reconciler.reconciled().then(() => {
      if (this.#app !== app || this.#role !== 'leader') return;
      this.#o.log.info(
        { nodeId: this.#lease.nodeId, sinceLeaseMs: Math.round(performance.now() - acquiredAt) },
        'call control taken over: Asterisk connected and its calls reconciled',
      );
    });
  }

  #switchTo(role: LeaseRole): void {
    this.#chain = this.#chain
      .then(async () => {
        if (this.#closing || (this.#app && this.#role === role)) return;
        // Lost again before its turn: the standby change queued behind this one does the rest.
        if (role === 'leader' && this.#lease.role !== 'leader') return;
        const old = this.#app;
        this.#app = null;
        // New requests wait for the next app from now on; those the old one got answer first.
        await this.#listener.detach();
        await old?.close();
        const env = role === 'leader' ? this.#o.env : standbyEnv(this.#o.env);
        const app = await this.#o
          .build(env, {
            logger: this.#o.log,
            // A leader app that is being closed after fencing already says standby.
            callControl: { role: () => (role === 'leader' && this.#lease.role === 'leader' ? 'leader' : 'standby'), nodeId: this.#lease.nodeId },
            // Its telephony starts before the build ends: from then on a fencing cuts it at once.
            onTelephonyStart: (cut) => {
              let done = false;
              this.#cutBuilding = () => {
                if (done) return;
                done = true;
                cut();
              };
              if (this.#lease.role !== 'leader') this.#cutBuilding();
            },
          })
          .finally(() => (this.#cutBuilding = null));
        // Fenced while it was being built: cut it now, if that did not (a standby change is queued).
        if (role === 'leader' && this.#lease.role !== 'leader') cutTelephony(app.calls, app.log);
        this.#app = app;
        this.#role = role;
        if (role === 'leader') this.#watchTakeover(app);
        await this.#listener.attach(app.http);
        this.#o.log.info({ role, nodeId: this.#lease.nodeId }, role === 'leader' ? 'this node controls calls' : 'this node stands by');
      })
      .catch((err: unknown) => {
        // Redis not answering (the app checks it at start; likely why this node was fenced): try again.
        if (err instanceof EnvError && !this.#closing) {
          this.#o.log.warn({ err, role }, 'call-control role change failed; trying again');
          setTimeout(() => this.#switchTo(this.#lease.role), RETRY_MS).unref();
          return;
        }
        this.#o.log.error({ err, role }, 'call-control role change failed');
        this.#o.onFatal(err);
      });
  }
}
