/**
 * The channel bridges' shared secrets (docs/configuration.md, "Channel bridges"): a YAML file
 * named by SUNLINE_BRIDGE_SECRETS_FILE, read once at start, outside config/ (whose files the
 * admin API shows and reloads: a secret does not belong there). Each bridge (e.g. the WeChat
 * official account's webhook relay) has an id and a secret of at least 32 characters; the
 * server checks each request of a bridge against its own secret (src/http/bridge-auth.ts).
 * Problems are reported with the variable and the path inside the file, never the secret.
 */
import fs from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

/** A bridge's id and secret; `toJSON` leaves the secret out, so logging the Env shows ids only. */
export interface BridgeSecret {
  readonly id: string;
  readonly secret: string;
}

export const MIN_BRIDGE_SECRET_LENGTH = 32;
/** Bounded like every input: far beyond any key HMAC-SHA256 gains from (its block is 64 bytes). */
export const MAX_BRIDGE_SECRET_LENGTH = 1024;

const BridgeFile = z.strictObject({
  bridges: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, - and _; 1 to 64 of them'),
        secret: z
          .string()
          .min(MIN_BRIDGE_SECRET_LENGTH, `at least ${MIN_BRIDGE_SECRET_LENGTH} characters (e.g. openssl rand -hex 32)`)
          .max(MAX_BRIDGE_SECRET_LENGTH, `at most ${MAX_BRIDGE_SECRET_LENGTH} characters`),
      }),
    )
    .max(100),
});

/** The bridges of `file` (none without a file); `problems` lists what is wrong instead. */
export function loadBridgeSecrets(file: string | undefined): { bridges: readonly BridgeSecret[] } | { problems: string[] } {
  if (file === undefined) return { bridges: [] };
  const where = `SUNLINE_BRIDGE_SECRETS_FILE (${file})`;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return { problems: [`${where}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`] };
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch {
    // The parser's message quotes the text, which may hold a secret.
    return { problems: [`${where}: not valid YAML`] };
  }
  const parsed = BridgeFile.safeParse(data);
  if (!parsed.success) return { problems: parsed.error.issues.map((i) => `${where}: ${i.path.join('.') || '(top)'}: ${i.message}`) };
  const ids = parsed.data.bridges.map((b) => b.id);
  const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (twice.length > 0) return { problems: [`${where}: bridge id ${twice[0]} is listed twice`] };
  return { bridges: parsed.data.bridges.map((b) => hideSecret(b)) };
}

function hideSecret(b: { id: string; secret: string }): BridgeSecret {
  return Object.defineProperty({ id: b.id, secret: b.secret }, 'toJSON', { value: () => ({ id: b.id, secret: '***' }), enumerable: false });
}
