/**
 * Public online intake (web form, mailbox 网上信箱, WeChat) and the citizen's progress lookup.
 * No session: both are rate limited per client address instead. The WeChat route is for the
 * official account's bridge only, which signs each request with its shared secret
 * (http/bridge-auth.ts); the lookup also needs the order's lookup code and is throttled per
 * order number (workorders/intake.ts).
 */
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IntakeCreated, PublicOrder } from '../../contract/http-intake.js';
import type { BridgeSecret } from '../../config/bridge-secrets.js';
import { ORDER_CATEGORIES } from '../../workorders/lifecycle/index.js';
import { wechatToSubmission, type IntakeService } from '../../workorders/intake.js';
import { LOOKUP_CODE_LENGTH } from '../../workorders/lookup-code.js';
import { BRIDGE_HEADERS, installBridgeAuth } from '../bridge-auth.js';
import type { BridgeNonces } from '../bridge-nonces.js';

const phone = z
  .string()
  .trim()
  .regex(/^\d{5,20}$/, 'digits only, 5 to 20 of them');
const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

const Submission = z.object({
  name: optionalText(100),
  phone,
  category: z.enum(ORDER_CATEGORIES),
  subject: z.string().trim().min(1).max(200),
  content: z.string().trim().min(1).max(5000),
  location: optionalText(500),
  confidential: z.boolean().default(false),
});

/** The WeChat bridge forwards text messages; other message types are not orders. */
const WechatBody = z.object({
  openid: z.string().min(1).max(128),
  msgType: z.literal('text'),
  content: z.string().trim().min(1).max(5000),
  phone,
  nickname: optionalText(100),
  category: z.enum(ORDER_CATEGORIES).optional(),
  subject: optionalText(200),
  location: optionalText(500),
  confidential: z.boolean().optional(),
});

/** The citizen is told both: the lookup asks for the code with the phone. */
const Created = { 201: IntakeCreated };
/** The signature headers (checked by bridge-auth.ts before the body is read; listed here for /docs). */
const BridgeHeaders = z.object({
  [BRIDGE_HEADERS.bridge]: z.string().describe('the bridge id (SUNLINE_BRIDGE_SECRETS_FILE)'),
  [BRIDGE_HEADERS.timestamp]: z.string().describe('Unix time in seconds, within 300 s of the server clock'),
  [BRIDGE_HEADERS.nonce]: z.string().describe('16-64 characters A-Z a-z 0-9 _ -, never reused'),
  [BRIDGE_HEADERS.signature]: z.string().describe('hex HMAC-SHA256(secret, timestamp + "\\n" + nonce + "\\n" + raw body)'),
});
/** What a citizen types; spaces and dashes are dropped and case ignored before it is compared. */
const lookupCode = z
  .string()
  .trim()
  .min(LOOKUP_CODE_LENGTH)
  .max(LOOKUP_CODE_LENGTH + 4);
/** Per client address: enough for a family filling forms, not for a flood. */
const INTAKE_LIMIT = { rateLimit: { max: 20, timeWindow: '1 minute' } };
/** Lookups are tighter than the typical need so that numbers cannot be probed with phones. */
const LOOKUP_LIMIT = { rateLimit: { max: 30, timeWindow: '1 minute' } };

export const intakeRoutes: FastifyPluginAsyncZod<{ intake: IntakeService; bridges: readonly BridgeSecret[]; nonces: Pick<BridgeNonces, 'claim'> }> = async (
  app,
  { intake, bridges, nonces },
) => {
  for (const channel of ['web', 'mailbox'] as const) {
    app.post(`/api/intake/${channel}`, { schema: { tags: ['intake'], body: Submission, response: Created }, config: INTAKE_LIMIT }, async (req, reply) =>
      reply.status(201).send(await intake.submit(channel, req.body)),
    );
  }

  // Its own plugin: the signature checks and the raw-body JSON parser apply to bridge routes only.
  await app.register(async (bridge) => {
    installBridgeAuth(bridge, { bridges, nonces });
    bridge.withTypeProvider<ZodTypeProvider>().post(
      '/api/intake/wechat',
      {
        schema: {
          tags: ['intake'],
          description:
            'For channel bridges only: each request is signed with the bridge secret (docs/configuration.md, "Channel bridges"). 401 BRIDGE_* otherwise.',
          headers: BridgeHeaders,
          body: WechatBody,
          response: Created,
        },
        config: INTAKE_LIMIT,
      },
      async (req, reply) => reply.status(201).send(await intake.submit('wechat', wechatToSubmission(req.body))),
    );
  });

  app.get(
    '/api/public/orders/:number',
    {
      schema: {
        tags: ['intake'],
        params: z.object({ number: z.string().min(1).max(40) }),
        querystring: z.object({ phone, code: lookupCode }),
        response: { 200: PublicOrder },
      },
      config: LOOKUP_LIMIT,
    },
    async (req) => intake.lookup(req.params.number, req.query.phone, req.query.code),
  );
};
