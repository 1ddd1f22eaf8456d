/**
 * The node's one HTTP listener, kept open across call-control role changes (issue 16 item 3).
 *
 * A role change closes one app and builds another (call-control-node.ts). Each app's Fastify keeps
 * its own `http.Server`, never listening; this listener owns the address and hands every request
 * and WebSocket upgrade to the app attached now (`emit('request')` / `emit('upgrade')` on that
 * app's server, which is how Fastify and socket.io receive them anyway). So the address never
 * refuses a connection while the node lives, and keep-alive connections (a load balancer's, a
 * console's) outlive the change:
 *
 * - between two apps, requests and upgrades are held in arrival order, up to `holdMs` each and
 *   `maxHeld` in all, and handed to the next app once it is attached; past either bound a request
 *   gets 503 NOT_READY with `Retry-After: 1` and an upgrade a bare 503;
 * - `detach()` stops new requests reaching the app at once and resolves when the requests it
 *   already got have answered (or after `graceMs`), so the app closes with none of them half-done;
 *   its sockets (socket.io) are closed by the app itself and the consoles reconnect to the next app.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { AppError, errorBody } from '../errors/index.js';

/** Requests an app got before its detach may finish within this; then it closes anyway. */
export const DETACH_GRACE_MS = 2_000;
const HOLD_MS = 10_000;
const MAX_HELD = 1_000;

export interface NodeListenerOptions {
  /** How long a request or upgrade waits for the next app (default 10 s). */
  readonly holdMs?: number;
  /** Requests and upgrades held at most (default 1,000); more are answered 503 at once. */
  readonly maxHeld?: number;
  /** How long detach() waits for the detached app's requests to answer (default DETACH_GRACE_MS). */
  readonly graceMs?: number;
}

/** What an app offers the listener: its Fastify instance (ready() resolves once its routes are in). */
export interface ListenerTarget {
  readonly server: http.Server;
  ready(): PromiseLike<unknown>;
}

type Held =
  | { kind: 'request'; req: http.IncomingMessage; res: http.ServerResponse; timer: NodeJS.Timeout }
  | { kind: 'upgrade'; req: http.IncomingMessage; socket: Duplex; head: Buffer; timer: NodeJS.Timeout };

interface Attached {
  server: http.Server;
  inFlight: number;
  drained: (() => void) | null;
}

export class NodeListener {
  readonly #server: http.Server;
  readonly #holdMs: number;
  readonly #maxHeld: number;
  readonly #graceMs: number;
  #target: Attached | null = null;
  #held: Held[] = [];
  #closed = false;

  constructor(opts: NodeListenerOptions = {}) {
    this.#holdMs = opts.holdMs ?? HOLD_MS;
    this.#maxHeld = opts.maxHeld ?? MAX_HELD;
    this.#graceMs = opts.graceMs ?? DETACH_GRACE_MS;
    this.#server = http.createServer();
    // Fastify's own defaults for its server (72 s keep-alive: longer than common balancers' idle timeouts).
    this.#server.keepAliveTimeout = 72_000;
    this.#server.on('request', (req, res) => this.#request(req, res));
    this.#server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.#upgrade(req, socket, head));
  }

  /** Opens the address; requests wait for the first attach(). */
  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve(this.#server.address() as AddressInfo);
      });
    });
  }

  get address(): AddressInfo | null {
    const a = this.#server.address();
    return a && typeof a === 'object' ? a : null;
  }

  /** Requests and upgrades waiting for an app now. */
  get heldCount(): number {
    return this.#held.length;
  }

  /** Hands this app every request from now on, the held ones first (in arrival order). */
  async attach(app: ListenerTarget): Promise<void> {
    await app.ready();
    if (this.#closed) return;
    this.#target = { server: app.server, inFlight: 0, drained: null };
    const held = this.#held;
    this.#held = [];
    for (const h of held) {
      clearTimeout(h.timer);
      if (h.kind === 'request') this.#request(h.req, h.res);
      else this.#upgrade(h.req, h.socket, h.head);
    }
  }

  /** No new request reaches the attached app; resolves when its requests have answered, or after the grace. */
  detach(): Promise<void> {
    const target = this.#target;
    this.#target = null;
    if (!target || target.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.#graceMs);
      function done() {
        clearTimeout(timer);
        target!.drained = null;
        resolve();
      }
      target.drained = done;
    });
  }

  /** Detaches, answers what is held with 503, closes the address; open connections are cut after the grace. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.detach();
    for (const h of this.#held.splice(0)) {
      clearTimeout(h.timer);
      this.#refuse(h);
    }
    if (!this.#server.listening) return;
    const cut = setTimeout(() => this.#server.closeAllConnections(), this.#graceMs);
    try {
      await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    } finally {
      clearTimeout(cut);
    }
  }

  #request(req: http.IncomingMessage, res: http.ServerResponse): void {
    const target = this.#target;
    if (!target) return this.#hold({ kind: 'request', req, res, timer: undefined as unknown as NodeJS.Timeout });
    target.inFlight++;
    res.once('close', () => {
      if (--target.inFlight === 0) target.drained?.();
    });
    target.server.emit('request', req, res);
  }

  #upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const target = this.#target;
    if (!target) return this.#hold({ kind: 'upgrade', req, socket, head, timer: undefined as unknown as NodeJS.Timeout });
    // An app without a WebSocket server would leave the socket open: nobody would answer it.
    if (target.server.listenerCount('upgrade') === 0) return void socket.destroy();
    target.server.emit('upgrade', req, socket, head);
  }

  #hold(h: Held): void {
    if (this.#closed || this.#held.length >= this.#maxHeld) return this.#refuse(h);
    h.timer = setTimeout(() => {
      const i = this.#held.indexOf(h);
      if (i >= 0) this.#held.splice(i, 1);
      this.#refuse(h);
    }, this.#holdMs);
    h.timer.unref();
    // A client that gives up while held is forgotten.
    const gone = h.kind === 'request' ? h.res : h.socket;
    gone.once('close', () => {
      const i = this.#held.indexOf(h);
      if (i < 0) return;
      this.#held.splice(i, 1);
      clearTimeout(h.timer);
    });
    this.#held.push(h);
  }

  #refuse(h: Held): void {
    if (h.kind === 'upgrade') {
      if (!h.socket.destroyed) h.socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (h.res.headersSent || h.res.destroyed) return;
    const body = JSON.stringify(errorBody(new AppError('NOT_READY', 'this node is switching its call-control role; try again')));
    h.res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '1', 'content-length': Buffer.byteLength(body) });
    h.res.end(body);
  }
}
