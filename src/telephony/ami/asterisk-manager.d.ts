/**
 * Types for asterisk-manager 0.2.0 (ships none), limited to what AmiGateway uses. Behaviour
 * notes from reading node_modules/asterisk-manager/lib/ami.js are in ami/gateway.ts.
 */
declare module 'asterisk-manager' {
  /** A parsed AMI block: keys lower-cased, repeated keys as arrays, `Variable:` as an object. */
  type RawAmiMessage = Record<string, string | string[] | Record<string, string> | undefined>;

  interface ManagerInstance {
    on(event: 'rawevent' | 'managerevent' | 'response', listener: (msg: RawAmiMessage) => void): this;
    on(event: 'connect' | 'end', listener: () => void): this;
    on(event: 'close', listener: (hadError: boolean) => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
    once(event: string, listener: (...args: never[]) => void): this;
    removeAllListeners(event?: string): this;
    listenerCount?(event: string): number;
    /** Opens the TCP socket; `callback` runs on 'connect' only (never on failure). */
    connect(port: number, host: string, callback?: () => void): void;
    /** Sends Login with the constructor's credentials; `err` is the `Response: Error` block. */
    login(callback?: (err?: RawAmiMessage) => void): void;
    /** Writes an action (or holds it until login); returns the ActionID used. */
    action(action: Record<string, unknown>, callback?: (err: RawAmiMessage | undefined, res: RawAmiMessage) => void): string;
    /** Ends an OPEN socket and forgets it (a still-connecting socket is only forgotten). */
    disconnect(callback?: () => void): void;
    isConnected(): boolean;
  }

  interface ManagerFactory {
    (port?: number, host?: string, username?: string, password?: string, events?: boolean): ManagerInstance;
    new (port?: number, host?: string, username?: string, password?: string, events?: boolean): ManagerInstance;
  }

  const Manager: ManagerFactory;
  export = Manager;
}
