/**
 * SUNLINE_ARI_URL is Asterisk's HTTP server: the REST calls go to it and the events' WebSocket is
 * the same URL with ws:// or wss:// (src/telephony/ari/client.ts). Any other scheme would start a
 * server that can never reach Asterisk, so it stops the server, naming the setting.
 */
import t from 'tap';
import { loadEnv } from '../../src/config/env.js';
import { envProblems } from './fixtures/env.js';

const REFUSAL = 'SUNLINE_ARI_URL: must be an http:// or https:// URL (http://127.0.0.1:8088)';

t.test('only http:// and https:// are taken', async (t) => {
  for (const url of ['ftp://asterisk:8088', 'ws://127.0.0.1:8088', 'file:///etc/passwd', 'asterisk:8088'])
    t.strictSame(envProblems({ SUNLINE_ARI_URL: url }), [REFUSAL], url);
  t.strictSame(envProblems({ SUNLINE_ARI_URL: 'not a url' }).length, 1, 'not a URL at all');
  for (const url of ['http://10.0.0.5:8088', 'https://pbx.example.gov.cn:8089']) {
    t.strictSame(envProblems({ SUNLINE_ARI_URL: url }), [], url);
    t.equal(loadEnv({ SUNLINE_MEDIA: 'false', SUNLINE_ARI_URL: url }, '/srv/sunline').ari.url, url);
  }
});
