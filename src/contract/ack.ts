/** The acknowledgement every client-to-server event takes: its data, or a fixed-code refusal. */
export type Ack<T = unknown> = (res: { ok: true; data?: T } | { ok: false; error: { code: string; message: string; details?: unknown } }) => void;
