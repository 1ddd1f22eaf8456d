/**
 * Quality inspection (质检, issue 13 item 4): the worklist of sampled calls, scores given against
 * config/qa.yaml's form (append-only revisions), agents' own scores and the weekly figures.
 *
 * Who: QA inspectors (`qa`) and shift leads score; administrators read; agents read their own
 * scores. A `qa` inspector reaches only the calls on the worklist or already scored (their
 * order's summary, their recordings: src/recordings/playback.ts asks {@link QaService.mayHear});
 * shift leads any answered call. Nobody here acts on orders.
 */
import type { UserRole } from '../db/schema.js';
import { DAY_MS } from '../lib/shanghai-time.js';
import { dateOf, dateStart } from '../reports/period.js';
import { QaError } from './errors.js';
import { weeklyFigures, type AgentWeekFigures } from './qa-figures.js';
import { formVersion, type QaConfig, type QaItem } from './qa-config.js';
import type { QaCallRow, QaOrderSummary, QaRepository, QaScoreRow, WorklistRow } from './repository.js';
import { drawSample } from './sampling.js';
import { scoreAgainstForm, type ScoreInput } from './score-form.js';

export const QA_SCORER_ROLES = ['qa', 'shift_lead'] as const satisfies readonly UserRole[];
export const QA_READER_ROLES = ['qa', 'shift_lead', 'admin'] as const satisfies readonly UserRole[];

/** A day is drawn this long after its Beijing midnight: calls still talking at midnight end first. */
export const DRAW_GRACE_MS = 3_600_000;
const WORKLIST_LIMIT = 500;

export interface QaReader {
  readonly id: number;
  readonly role: UserRole;
}

export interface QaForm {
  readonly version: string;
  readonly items: QaItem[];
  readonly max: number;
}

export interface QaCallView {
  readonly call: QaCallRow;
  readonly order: QaOrderSummary | null;
  readonly recordingId: string | null;
  readonly sample: { day: string; reason: WorklistRow['reason'] } | null;
  /** Every revision of the call's score, oldest first. */
  readonly scores: QaScoreRow[];
}

export interface ScoreSubmission extends ScoreInput {
  readonly comment: string;
  /** The form version the scorer filled in (GET /api/qa/form). */
  readonly formVersion: string;
}

export interface QaServiceOptions {
  readonly repo: QaRepository;
  readonly config: () => QaConfig;
  readonly now?: () => number;
}

export class QaService {
  private readonly now: () => number;

  constructor(private readonly o: QaServiceOptions) {
    this.now = o.now ?? Date.now;
  }

  form(): QaForm {
    const items = this.o.config().items;
    return { version: formVersion(items), items: [...items], max: items.reduce((s, i) => s + i.maxPoints, 0) };
  }

  /**
   * Draws what is due and returns the calls waiting for a score. Idempotent: each day over
   * (plus {@link DRAW_GRACE_MS}) within `lookbackDays` is drawn once; unsatisfied calls join as
   * their survey or callback (回访) rating comes in.
   */
  worklist(): WorklistRow[] {
    this.drawDue();
    return this.o.repo.worklist(WORKLIST_LIMIT);
  }

  /** Writes the samples that are due (see {@link worklist}); returns how many calls were added. */
  drawDue(): number {
    const s = this.o.config().sampling;
    const now = this.now();
    const today = dateStart(dateOf(now))!;
    const days: Array<{ day: string; start: number }> = [];
    for (let i = 1; i <= s.lookbackDays; i++) {
      const start = today - i * DAY_MS;
      if (start + DAY_MS + DRAW_GRACE_MS <= now) days.push({ day: dateOf(start), start });
    }
    const drawn = this.o.repo.drawnDays(days.map((d) => d.day));
    const rows: Array<{ callId: string; agentId: number; day: string; reason: 'random' | 'unsatisfied' }> = [];
    // Unsatisfied first: a call both drawn and rated 不满意 is listed for the rating (the first row of a call stays).
    // 不满意 in the post-call survey, or in a callback (回访) evaluating the call's order.
    if (s.unsatisfied) {
      const since = today - s.lookbackDays * DAY_MS;
      for (const c of [...this.o.repo.unsatisfiedSince(since), ...this.o.repo.unsatisfiedCallbacksSince(since)])
        rows.push({ callId: c.callId, agentId: c.agentId, day: dateOf(c.enteredAt), reason: 'unsatisfied' });
    }
    if (s.perAgentPerDay > 0)
      for (const d of days) {
        if (drawn.has(d.day)) continue;
        const picked = drawSample(this.o.repo.answeredCalls(d.start, d.start + DAY_MS), d.day, s.seed, s.perAgentPerDay);
        rows.push(...picked.map((c) => ({ ...c, day: d.day, reason: 'random' as const })));
      }
    return this.o.repo.addSamples(rows, now);
  }

  /** Whether a `qa` inspector may reach this call (and hear its recordings): on the worklist or scored. */
  mayHear(callId: string): boolean {
    return this.o.repo.isSampled(callId) || this.o.repo.current(callId) !== undefined;
  }

  /**
   * Whether a `qa` inspector may read an order: one of its calls is on the worklist or scored (the
   * call view shows that order's summary). The KB's "answered with" list asks this (app.ts).
   */
  mayReadOrder(orderId: number): boolean {
    return this.o.repo.callsOfOrder(orderId).some((c) => this.mayHear(c));
  }

  /** The call as the scorer sees it: times, agent, the order's summary, the recording, its scores. */
  call(reader: QaReader, callId: string): QaCallView {
    const call = this.o.repo.call(callId);
    if (!call || (reader.role === 'qa' && !this.mayHear(callId))) throw new QaError('QA_CALL_NOT_FOUND');
    const { outboundOrderId, ...view } = call;
    return {
      call: view,
      order: this.o.repo.orderOf(callId, outboundOrderId) ?? null,
      recordingId: this.o.repo.recordingOf(callId),
      sample: this.o.repo.sampleOf(callId) ?? null,
      scores: this.o.repo.history(callId),
    };
  }

  /** The first score of a call (revision 1). */
  score(reader: QaReader, callId: string, input: ScoreSubmission): QaScoreRow {
    const call = this.scorable(reader, callId);
    if (this.o.repo.current(callId)) throw new QaError('QA_ALREADY_SCORED');
    return this.write(reader, call, input, 1);
  }

  /** A new revision of the call's score, based on revision `basedOn` (the current one). */
  edit(reader: QaReader, callId: string, input: ScoreSubmission & { basedOn: number }): QaScoreRow {
    const call = this.scorable(reader, callId);
    const cur = this.o.repo.current(callId);
    if (!cur) throw new QaError('QA_SCORE_NOT_FOUND');
    if (reader.role === 'qa' && cur.scorerId !== reader.id) throw new QaError('QA_NOT_YOUR_SCORE');
    if (cur.revision !== input.basedOn) throw new QaError('QA_STALE_EDIT', undefined, { details: { revision: cur.revision } });
    return this.write(reader, call, input, cur.revision + 1);
  }

  /** An agent's own scores (current revisions), newest call first. */
  scoresOfAgent(agentId: number, limit = 100) {
    return this.o.repo.currentScores({ agentId, limit });
  }

  /** Current scores for QA readers: of one agent and/or calls entered in [from, to). */
  scores(f: { agentId?: number; from?: number; to?: number }, limit = 500) {
    return this.o.repo.currentScores({ ...f, limit });
  }

  /** The figures per agent per week of calls entered in [start, end). */
  weekly(start: number, end: number): AgentWeekFigures[] {
    return weeklyFigures(this.o.repo.samplesIn(start, end), this.o.repo.currentScores({ from: start, to: end, limit: 1_000_000 }));
  }

  private scorable(reader: QaReader, callId: string) {
    const call = this.o.repo.call(callId);
    if (!call || (reader.role === 'qa' && !this.mayHear(callId))) throw new QaError('QA_CALL_NOT_FOUND');
    if (call.agentId === null || call.answeredAt === null) throw new QaError('QA_CALL_NOT_ANSWERED');
    return { ...call, agentId: call.agentId };
  }

  private write(reader: QaReader, call: { callId: string; agentId: number; outboundOrderId: number | null }, input: ScoreSubmission, revision: number) {
    const form = this.form();
    if (form.items.length === 0) throw new QaError('QA_FORM_EMPTY');
    if (input.formVersion !== form.version) throw new QaError('QA_FORM_CHANGED', undefined, { details: { version: form.version } });
    const checked = scoreAgainstForm(form.items, input);
    if (!checked.ok) throw new QaError('QA_SCORE_INVALID', checked.problems.join('; '), { details: { problems: checked.problems } });
    const row = this.o.repo.insertIfCurrent({
      callId: call.callId,
      revision,
      orderId: this.o.repo.orderOf(call.callId, call.outboundOrderId)?.id ?? null,
      recordingId: this.o.repo.recordingOf(call.callId),
      agentId: call.agentId,
      scorerId: reader.id,
      points: checked.score.points,
      fatalErrors: checked.score.fatalErrors,
      fatal: checked.score.fatal,
      total: checked.score.total,
      comment: input.comment,
      formVersion: form.version,
      createdAt: this.now(),
    });
    // Another scorer's revision landed between the check and the insert.
    if (!row) throw new QaError(revision === 1 ? 'QA_ALREADY_SCORED' : 'QA_STALE_EDIT');
    return row;
  }
}
