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
import type { CurrentScoreRow, NewSampleRow, QaCallRow, QaOrderSummary, QaQueries, QaScoreRow, QaStore, WorklistRow } from './qa-store.js';
import { drawSample, type SampleCandidate } from './sampling.js';
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
  readonly store: QaStore;
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
  async worklist(): Promise<WorklistRow[]> {
    await this.drawDue();
    return this.o.store.read((q) => q.worklist(WORKLIST_LIMIT));
  }

  /**
   * Writes the samples that are due (see {@link worklist}); resolves to how many calls were added.
   * The candidates are read first, outside any transaction; then one transaction writes every
   * row and marks the days drawn (qa_drawn_days), so a day is drawn once even when none of its
   * picks was added (every pick already on the worklist as 不满意); a day without any answered
   * call is not marked (one empty read per draw until it has one). Draws
   * are serialised (the timer and a worklist read, or two nodes): the transaction takes the draw
   * lock and reads again which days are drawn and how many random samples each agent has, so a
   * day drawn meanwhile gets no second random sample — also not for a call that ended between the
   * two draws' reads — and never more than `perAgentPerDay` per agent. Unsatisfied calls are
   * added as before (ON CONFLICT DO NOTHING: a call already sampled keeps its row).
   */
  async drawDue(): Promise<number> {
    const s = this.o.config().sampling;
    const now = this.now();
    const today = dateStart(dateOf(now))!;
    const days: Array<{ day: string; start: number }> = [];
    for (let i = 1; i <= s.lookbackDays; i++) {
      const start = today - i * DAY_MS;
      if (start + DAY_MS + DRAW_GRACE_MS <= now) days.push({ day: dateOf(start), start });
    }
    const { unsatisfied, picks } = await this.o.store.read(async (q) => {
      const drawn = await q.drawnDays(days.map((d) => d.day));
      const unsatisfied: NewSampleRow[] = [];
      // 不满意 in the post-call survey, or in a callback (回访) evaluating the call's order.
      if (s.unsatisfied) {
        const since = today - s.lookbackDays * DAY_MS;
        for (const c of [...(await q.unsatisfiedSince(since)), ...(await q.unsatisfiedCallbacksSince(since))])
          unsatisfied.push({ callId: c.callId, agentId: c.agentId, day: dateOf(c.enteredAt), reason: 'unsatisfied' });
      }
      const picks = new Map<string, SampleCandidate[]>();
      if (s.perAgentPerDay > 0)
        for (const d of days) {
          if (drawn.has(d.day)) continue;
          const candidates = await q.answeredCalls(d.start, d.start + DAY_MS);
          // A day without an answered call has nothing to draw: it is looked at again (calls entered
          // that day may still end), and marked drawn once it has candidates.
          if (candidates.length > 0) picks.set(d.day, drawSample(candidates, d.day, s.seed, s.perAgentPerDay));
        }
      return { unsatisfied, picks };
    });
    if (unsatisfied.length === 0 && picks.size === 0) return 0;
    return this.o.store.transaction((tx) =>
      tx.writeDraw(
        [...picks.keys()],
        (seen) => {
          // Unsatisfied first: a call both drawn and rated 不满意 is listed for the rating (the first row of a call stays).
          const rows = [...unsatisfied];
          for (const [day, picked] of picks) {
            if (seen.drawn.has(day)) continue;
            const counts = new Map(seen.random.get(day));
            for (const c of picked) {
              const n = counts.get(c.agentId) ?? 0;
              if (n >= s.perAgentPerDay) continue;
              counts.set(c.agentId, n + 1);
              rows.push({ ...c, day, reason: 'random' });
            }
          }
          return rows;
        },
        now,
      ),
    );
  }

  /**
   * Whether a `qa` inspector may reach this call (and hear its recordings): on the worklist or
   * scored. A failed read rejects (the caller refuses: never an answer of true without the rows).
   */
  mayHear(callId: string): Promise<boolean> {
    return this.o.store.read((q) => mayHear(q, callId));
  }

  /**
   * Whether a `qa` inspector may read an order: one of its calls is on the worklist or scored (the
   * call view shows that order's summary). The KB's "answered with" list asks this (app.ts).
   */
  mayReadOrder(orderId: number): Promise<boolean> {
    return this.o.store.read(async (q) => {
      for (const c of await q.callsOfOrder(orderId)) if (await mayHear(q, c)) return true;
      return false;
    });
  }

  /** The call as the scorer sees it: times, agent, the order's summary, the recording, its scores. */
  call(reader: QaReader, callId: string): Promise<QaCallView> {
    return this.o.store.read(async (q) => {
      const call = await q.call(callId);
      if (!call || (reader.role === 'qa' && !(await mayHear(q, callId)))) throw new QaError('QA_CALL_NOT_FOUND');
      const { outboundOrderId, ...view } = call;
      return {
        call: view,
        order: (await q.orderOf(callId, outboundOrderId)) ?? null,
        recordingId: await q.recordingOf(callId),
        sample: (await q.sampleOf(callId)) ?? null,
        scores: await q.history(callId),
      };
    });
  }

  /** The first score of a call (revision 1). */
  async score(reader: QaReader, callId: string, input: ScoreSubmission): Promise<QaScoreRow> {
    const { call } = await this.scorable(reader, callId);
    if (call.current) throw new QaError('QA_ALREADY_SCORED');
    return this.write(reader, call, input, 1);
  }

  /** A new revision of the call's score, based on revision `basedOn` (the current one). */
  async edit(reader: QaReader, callId: string, input: ScoreSubmission & { basedOn: number }): Promise<QaScoreRow> {
    const { call } = await this.scorable(reader, callId);
    const cur = call.current;
    if (!cur) throw new QaError('QA_SCORE_NOT_FOUND');
    if (reader.role === 'qa' && cur.scorerId !== reader.id) throw new QaError('QA_NOT_YOUR_SCORE');
    if (cur.revision !== input.basedOn) throw new QaError('QA_STALE_EDIT', undefined, { details: { revision: cur.revision } });
    return this.write(reader, call, input, cur.revision + 1);
  }

  /** An agent's own scores (current revisions), newest call first. */
  scoresOfAgent(agentId: number, limit = 100): Promise<CurrentScoreRow[]> {
    return this.o.store.read((q) => q.currentScores({ agentId, limit }));
  }

  /** Current scores for QA readers: of one agent and/or calls entered in [from, to). */
  scores(f: { agentId?: number; from?: number; to?: number }, limit = 500): Promise<CurrentScoreRow[]> {
    return this.o.store.read((q) => q.currentScores({ ...f, limit }));
  }

  /** The figures per agent per week of calls entered in [start, end). */
  weekly(start: number, end: number): Promise<AgentWeekFigures[]> {
    return this.o.store.read(async (q) => weeklyFigures(await q.samplesIn(start, end), await q.currentScores({ from: start, to: end, limit: 1_000_000 })));
  }

  /** The call to score with what a score refers to (its order, its recording) and its current score. */
  private scorable(reader: QaReader, callId: string) {
    return this.o.store.read(async (q) => {
      const call = await q.call(callId);
      if (!call || (reader.role === 'qa' && !(await mayHear(q, callId)))) throw new QaError('QA_CALL_NOT_FOUND');
      if (call.agentId === null || call.answeredAt === null) throw new QaError('QA_CALL_NOT_ANSWERED');
      const orderId = (await q.orderOf(callId, call.outboundOrderId))?.id ?? null;
      return { call: { ...call, agentId: call.agentId, orderId, recordingId: await q.recordingOf(callId), current: await q.current(callId) } };
    });
  }

  private async write(
    reader: QaReader,
    call: { callId: string; agentId: number; orderId: number | null; recordingId: string | null },
    input: ScoreSubmission,
    revision: number,
  ): Promise<QaScoreRow> {
    const form = this.form();
    if (form.items.length === 0) throw new QaError('QA_FORM_EMPTY');
    if (input.formVersion !== form.version) throw new QaError('QA_FORM_CHANGED', undefined, { details: { version: form.version } });
    const checked = scoreAgainstForm(form.items, input);
    if (!checked.ok) throw new QaError('QA_SCORE_INVALID', checked.problems.join('; '), { details: { problems: checked.problems } });
    const score = {
      callId: call.callId,
      revision,
      orderId: call.orderId,
      recordingId: call.recordingId,
      agentId: call.agentId,
      scorerId: reader.id,
      points: checked.score.points,
      fatalErrors: checked.score.fatalErrors,
      fatal: checked.score.fatal,
      total: checked.score.total,
      comment: input.comment,
      formVersion: form.version,
      createdAt: this.now(),
    };
    const row = await this.o.store.transaction((tx) => tx.insertScoreIfCurrent(score));
    // Another scorer's revision landed between the check and the insert.
    if (!row) throw new QaError(revision === 1 ? 'QA_ALREADY_SCORED' : 'QA_STALE_EDIT');
    return row;
  }
}

/** On the worklist or scored: what lets a `qa` inspector reach a call. */
async function mayHear(q: QaQueries, callId: string): Promise<boolean> {
  return (await q.isSampled(callId)) || (await q.current(callId)) !== undefined;
}
