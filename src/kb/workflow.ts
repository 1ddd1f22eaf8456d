/**
 * Who may do what to an article, and which version states allow it (decision 0009 #15: one owner
 * of the transitions, pure). A unit's handlers draft and update their own unit's articles; the
 * centre's reviewers (administrators and kb.yaml's reviewers) approve before anything is
 * published; administrators also edit any unit's articles.
 *
 *   draft ──submit──▶ in_review ──approve──▶ published ──(a newer version approved)──▶ superseded
 *     ▲                  │
 *     └──── edit ◀── rejected ◀──reject──┘
 */
import type { KbVersionState, UserRole } from '../db/schema.js';

export interface KbActor {
  readonly id: number;
  readonly role: UserRole;
  readonly unitId: string | null;
  readonly username: string;
}

export type KbTransition = 'edit' | 'submit' | 'approve' | 'reject';

const FROM: Readonly<Record<KbTransition, readonly KbVersionState[]>> = {
  edit: ['draft', 'rejected'],
  submit: ['draft', 'rejected'],
  approve: ['in_review'],
  reject: ['in_review'],
};
const TO: Readonly<Record<KbTransition, KbVersionState>> = { edit: 'draft', submit: 'in_review', approve: 'published', reject: 'rejected' };

/** The state after `t`, or null when `t` is not allowed from `state`. */
export function transition(state: KbVersionState, t: KbTransition): KbVersionState | null {
  return FROM[t].includes(state) ? TO[t] : null;
}

/**
 * Staff who read the knowledge base (agents see only what is published and in force). QA
 * inspectors (`qa`) read it like agents to check answers against policy (质检, issue 13 item 4).
 */
export const KB_READER_ROLES: readonly UserRole[] = ['agent', 'shift_lead', 'dispatcher', 'admin', 'unit_handler', 'qa'];
/**
 * Roles that never review, whatever kb.yaml's reviewers say: QA inspectors see what agents see and
 * write nothing; a unit's handlers draft, and the centre approves (a unit never publishes alone).
 */
const NEVER_REVIEWERS: readonly UserRole[] = ['qa', 'unit_handler'];
/** Staff who may write articles: a unit's handlers for their unit, administrators for any. */
export const KB_EDITOR_ROLES: readonly UserRole[] = ['unit_handler', 'admin'];

export function canEditUnit(actor: KbActor, unitId: string): boolean {
  if (actor.role === 'admin') return true;
  return actor.role === 'unit_handler' && actor.unitId === unitId;
}

export function isReviewer(actor: KbActor, reviewers: readonly string[]): boolean {
  return actor.role === 'admin' || (!NEVER_REVIEWERS.includes(actor.role) && reviewers.includes(actor.username));
}

/** Whether the actor sees an article's drafts and history (its editors and the reviewers). */
export function seesDrafts(actor: KbActor, unitId: string, reviewers: readonly string[]): boolean {
  return canEditUnit(actor, unitId) || isReviewer(actor, reviewers);
}

/**
 * 时效性: an article past its review-by date is stale for its unit at once, and for the centre
 * too once `graceDays` more have passed. Dates are Beijing YYYY-MM-DD.
 */
export function staleness(reviewBy: string | null, today: string, graceDays: number): 'fresh' | 'stale' | 'stale_overdue' {
  if (reviewBy === null || reviewBy >= today) return 'fresh';
  return addDays(reviewBy, graceDays) < today ? 'stale_overdue' : 'stale';
}

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
