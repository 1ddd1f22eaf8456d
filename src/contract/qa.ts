/**
 * Quality inspection (质检, issue 13 item 4) as the HTTP API shows it: the scoring form, the
 * worklist, a call with its scores, score submissions and the weekly figures. Shared by the
 * server's routes (request and response schemas) and the web app's /qa page and agent console.
 */
import { z } from 'zod';
import { MAX_ROW_ID } from './bounds.js';

export const QA_SAMPLE_REASON_VALUES = ['random', 'unsatisfied'] as const;

const Label = z.object({ zh: z.string(), en: z.string() });

export const QaFormSchema = z.object({
  /** Digest of the items: send it back with a score (409 QA_FORM_CHANGED when the form changed). */
  version: z.string(),
  items: z.array(z.object({ id: z.string(), label: Label, maxPoints: z.number(), fatal: z.boolean() })),
  /** The most a call can score (100 with a valid qa.yaml; 0 without items). */
  max: z.number(),
});
export type QaFormDto = z.infer<typeof QaFormSchema>;

export const QaCallSchema = z.object({
  callId: z.string(),
  agentId: z.number().nullable(),
  agentName: z.string().nullable(),
  hotline: z.string(),
  direction: z.enum(['in', 'out']),
  enteredAt: z.number(),
  answeredAt: z.number().nullable(),
  endedAt: z.number().nullable(),
});

export const QaWorklistItemSchema = QaCallSchema.extend({ day: z.string(), reason: z.enum(QA_SAMPLE_REASON_VALUES) });
export type QaWorklistItemDto = z.infer<typeof QaWorklistItemSchema>;

export const QaScoreSchema = z.object({
  id: z.number(),
  callId: z.string(),
  revision: z.number(),
  orderId: z.number().nullable(),
  recordingId: z.string().nullable(),
  agentId: z.number(),
  scorerId: z.number(),
  /** Points per item id of the form it was given with. */
  points: z.record(z.string(), z.number()),
  /** Red-line items committed: any means a total of 0. */
  fatalErrors: z.array(z.string()),
  fatal: z.boolean(),
  total: z.number(),
  comment: z.string(),
  formVersion: z.string(),
  createdAt: z.number(),
});
export type QaScoreDto = z.infer<typeof QaScoreSchema>;

/** A current score in a list: with the call's entry time and the names. */
export const QaScoreListItemSchema = QaScoreSchema.extend({ enteredAt: z.number(), agentName: z.string().nullable(), scorerName: z.string().nullable() });
export type QaScoreListItemDto = z.infer<typeof QaScoreListItemSchema>;

export const QaCallViewSchema = z.object({
  call: QaCallSchema,
  /** A summary of the call's work order (no caller data). */
  order: z
    .object({
      id: z.number(),
      number: z.string(),
      status: z.string(),
      category: z.string().nullable(),
      subject: z.string().nullable(),
      content: z.string().nullable(),
      location: z.string().nullable(),
    })
    .nullable(),
  recordingId: z.string().nullable(),
  sample: z.object({ day: z.string(), reason: z.enum(QA_SAMPLE_REASON_VALUES) }).nullable(),
  /** Every revision of the call's score, oldest first. */
  scores: z.array(QaScoreSchema),
});
export type QaCallViewDto = z.infer<typeof QaCallViewSchema>;

export const QaScoreBody = z.strictObject({
  points: z.record(z.string().max(40), z.number()).refine((p) => Object.keys(p).length <= 50, 'at most 50 items'),
  fatalErrors: z.array(z.string().max(40)).max(50).default([]),
  comment: z.string().trim().max(2000).default(''),
  formVersion: z.string().min(1).max(40),
});
export type QaScoreBodyDto = z.input<typeof QaScoreBody>;

export const QaScoreEditBody = QaScoreBody.extend({ basedOn: z.int().min(1).max(MAX_ROW_ID) });

export const QaWeekFiguresSchema = z.object({
  agentId: z.number(),
  agentName: z.string().nullable(),
  week: z.string(),
  sampled: z.number(),
  scored: z.number(),
  averageScore: z.number().nullable(),
  lowestScore: z.number().nullable(),
  fatalCount: z.number(),
  fatalRate: z.number().nullable(),
});
export type QaWeekFiguresDto = z.infer<typeof QaWeekFiguresSchema>;
