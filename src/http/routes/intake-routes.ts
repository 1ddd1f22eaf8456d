/**
 * Public online intake (web form, mailbox 网上信箱, WeChat) and the citizen's progress lookup.
 * No session: both are rate limited per client address instead.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ORDER_CATEGORIES, ORDER_STATUSES } from '../../workorders/lifecycle/index.js';
import { wechatToSubmission, type IntakeService } from '../../workorders/intake.js';

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

const Created = { 201: z.object({ number: z.string() }) };
/** Per client address: enough for a family filling forms, not for a flood. */
const INTAKE_LIMIT = { rateLimit: { max: 20, timeWindow: '1 minute' } };
/** Lookups are tighter than the typical need so that numbers cannot be probed with phones. */
const LOOKUP_LIMIT = { rateLimit: { max: 30, timeWindow: '1 minute' } };

export const intakeRoutes: FastifyPluginAsyncZod<{ intake: IntakeService }> = async (app, { intake }) => {
  for (const channel of ['web', 'mailbox'] as const) {
    app.post(`/api/intake/${channel}`, { schema: { tags: ['intake'], body: Submission, response: Created }, config: INTAKE_LIMIT }, async (req, reply) =>
      reply.status(201).send(intake.submit(channel, req.body)),
    );
  }

  app.post('/api/intake/wechat', { schema: { tags: ['intake'], body: WechatBody, response: Created }, config: INTAKE_LIMIT }, async (req, reply) =>
    reply.status(201).send(intake.submit('wechat', wechatToSubmission(req.body))),
  );

  app.get(
    '/api/public/orders/:number',
    {
      schema: {
        tags: ['intake'],
        params: z.object({ number: z.string().min(1).max(40) }),
        querystring: z.object({ phone }),
        response: {
          200: z.object({
            number: z.string(),
            status: z.enum(ORDER_STATUSES),
            category: z.enum(ORDER_CATEGORIES).nullable(),
            createdAt: z.number(),
            deadlineAt: z.number().nullable(),
            progress: z.array(z.object({ status: z.enum(ORDER_STATUSES), at: z.number() })),
          }),
        },
      },
      config: LOOKUP_LIMIT,
    },
    async (req) => intake.lookup(req.params.number, req.query.phone),
  );
};
