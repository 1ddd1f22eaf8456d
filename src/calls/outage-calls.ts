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
import type { CallCenter } from './call-center.js';
import type { Guard } from './reconcile.js';

export async function importOutageCalls(cc: CallCenter, guard: Guard): Promise<void> {
  const sw = cc.o.switchboard;
  const records = await sw.outageRecords();
  if (records.length === 0) return;
  // A record without an end whose channel is gone: Asterisk stopped before the hang-up handler ran.
  const channels = records.some((r) => r.endedAt === null) ? await sw.channelIds() : new Set<string>();
  const log = cc.log.child({ component: 'outage' });
  for (const r of records) {
    await guard(r.channelId, 'import a call of our outage', async () => {
      if (r.endedAt === null && channels.has(r.channelId)) return; // still there: adopted from the queue
      if (!cc.o.repo.findByChannel(r.channelId)) {
        const hotline = hotlineFor(cc.o.config.current().numbers, r.dialled || sw.queue);
        const callId = randomUUID();
        const endedAt = r.endedAt ?? r.enteredAt;
        const created = cc.o.repo.importOutage(
          { callId, channelId: r.channelId, callerPhone: r.callerNumber || 'anonymous', callerName: null, dialled: r.dialled || sw.queue, hotline: hotline.number, at: r.enteredAt, endedAt, where: r.where },
          cc.o.systemActor,
        );
        log.info({ callId, orderId: created.orderId, where: r.where, waitMs: endedAt - r.enteredAt, endKnown: r.endedAt !== null }, 'imported a call of our outage');
      }
      await sw.forgetOutageRecord(r.channelId);
    });
  }
}
