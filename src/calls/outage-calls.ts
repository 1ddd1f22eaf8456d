/**
 * Calls that began and ended while our server was down. The dialplan queues a caller by itself
 * when Stasis() fails and records it in Asterisk's AstDB (dialplan/extensions.conf: [from-trunk]
 * fallback, hang-up handler [sunline-outage-end]); a caller we adopt later is forgotten by that
 * handler. Here each finished record becomes a call with its events and, if nobody answered, a
 * missed-call order with a callback duty — one transaction each, then the record is deleted.
 * Idempotent: a record whose channel already has a call row is only deleted. Why AstDB and not
 * queue_log, CDR or CEL: docs/decisions/0008-calls-of-our-outage.md.
 */
import { randomUUID } from 'node:crypto';
import { hotlineFor } from '../config/files/index.js';
import type { CallContext } from './call-context.js';
import type { Guard } from './reconcile-plan.js';

/** A record without an end younger than this may belong to a caller who came after the snapshot. */
const OPEN_RECORD_GRACE_MS = 10_000;

/** `channels`: every channel Asterisk has now (the reconcile's snapshot). */
export async function importOutageCalls(o: CallContext, channels: ReadonlySet<string>, guard: Guard): Promise<void> {
  const sw = o.switchboard;
  const records = await sw.outageRecords();
  if (records.length === 0) return;
  const log = o.log.child({ component: 'outage' });
  for (const r of records) {
    await guard(r.channelId, 'import a call of our outage', async () => {
      // Without an end: still there (adoption's), or just arrived (after the snapshot: the next run's);
      // else gone without its hang-up handler (Asterisk stopped): imported with the end unknown.
      if (r.endedAt === null && (channels.has(r.channelId) || r.enteredAt > o.now() - OPEN_RECORD_GRACE_MS)) return;
      // Read after the call path's queued writes: a caller adopted by this reconcile has its row by then.
      if (!(await o.repo.findByChannel(r.channelId))) {
        const hotline = hotlineFor(o.config.current().numbers, r.dialled || sw.queue);
        const callId = randomUUID();
        const endedAt = r.endedAt ?? r.enteredAt;
        const created = await o.repo.importOutage(
          {
            callId,
            channelId: r.channelId,
            callerPhone: r.callerNumber || 'anonymous',
            callerName: null,
            dialled: r.dialled || sw.queue,
            hotline: hotline.number,
            at: r.enteredAt,
            endedAt,
            where: r.where,
          },
          o.systemActor,
        );
        log.info(
          { callId, orderId: created.orderId, where: r.where, waitMs: endedAt - r.enteredAt, endKnown: r.endedAt !== null },
          'imported a call of our outage',
        );
      }
      await sw.forgetOutageRecord(r.channelId);
    });
  }
}
