/** A channel bridge for tests: a secrets file for SUNLINE_BRIDGE_SECRETS_FILE and requests signed as docs/configuration.md says. */
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Sunline } from '../../src/app.js';

export const TEST_BRIDGE = { id: 'wechat-test', secret: 'test-bridge-secret-'.padEnd(48, 'x') } as const;

/** A secrets file holding TEST_BRIDGE, removed when the test ends: `{ SUNLINE_BRIDGE_SECRETS_FILE: … }`. */
export function bridgeEnv(t: { teardown(fn: () => void): void }): { SUNLINE_BRIDGE_SECRETS_FILE: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-bridge-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'bridges.yaml');
  fs.writeFileSync(file, `bridges:\n  - id: ${TEST_BRIDGE.id}\n    secret: ${TEST_BRIDGE.secret}\n`, { mode: 0o600 });
  return { SUNLINE_BRIDGE_SECRETS_FILE: file };
}

/** POST `payload` to /api/intake/wechat signed by TEST_BRIDGE. */
export function postSignedWechat(app: Sunline, payload: unknown, remoteAddress = '203.0.113.1') {
  const body = JSON.stringify(payload);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(12).toString('base64url');
  const signature = createHmac('sha256', TEST_BRIDGE.secret).update(`${timestamp}\n${nonce}\n${body}`).digest('hex');
  return app.http.inject({
    method: 'POST',
    url: '/api/intake/wechat',
    remoteAddress,
    headers: {
      'content-type': 'application/json',
      'x-sunline-bridge': TEST_BRIDGE.id,
      'x-sunline-timestamp': timestamp,
      'x-sunline-nonce': nonce,
      'x-sunline-signature': signature,
    },
    payload: body,
  });
}
