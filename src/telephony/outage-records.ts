/**
 * The dialplan's record of callers it queued by itself while our server was down (AstDB family
 * `sunline_outage`, written by [from-trunk]'s fallback and its hang-up handler
 * [sunline-outage-end]; dialplan/extensions.conf, decision 0008). Read over AMI DBGetTree,
 * deleted with DBDel once the call is in our database.
 */
import type { Logger } from 'pino';
import type { AmiGateway } from './ami/index.js';
import { isTelephonyError } from './errors.js';

const OUTAGE_FAMILY = 'sunline_outage';

/**
 * A caller the dialplan queued without us, as its fallback path recorded it:
 * `<entered epoch s>:<dialled>:<ended epoch s or ''>:<where>:<caller number>`, keyed by the
 * caller channel's unique id. `where`: front_door (hung up during the fallback greeting),
 * queue (in the queue), answered (a member answered; the handler writes it, agents cannot
 * without us today).
 */
export interface OutageRecord {
  channelId: string;
  enteredAt: number;
  dialled: string;
  /** null while the caller is still there (or Asterisk stopped before its hang-up handler ran). */
  endedAt: number | null;
  where: 'front_door' | 'queue' | 'answered';
  callerNumber: string;
}

/** Parses one AstDB value of the fallback path; null when it is not ours to read. */
export function parseOutageRecord(channelId: string, value: string): OutageRecord | null {
  const [entered, dialled, ended, where, ...caller] = value.split(':');
  const enteredS = Number(entered);
  const endedS = ended ? Number(ended) : null;
  if (!channelId || !entered || !Number.isSafeInteger(enteredS) || (endedS !== null && !Number.isSafeInteger(endedS)) || dialled === undefined) return null;
  const place = where === 'queue' || where === 'answered' ? where : 'front_door';
  return { channelId, enteredAt: enteredS * 1000, dialled, endedAt: endedS === null ? null : endedS * 1000, where: place, callerNumber: caller.join(':') };
}

export async function readOutageRecords(ami: AmiGateway, log: Logger): Promise<OutageRecord[]> {
  const items = await ami.list('DBGetTree', { Family: OUTAGE_FAMILY }).catch((err: unknown) => {
    if (isTelephonyError(err) && /not found/i.test(err.detail ?? '')) return []; // nothing recorded
    throw err;
  });
  const records: OutageRecord[] = [];
  for (const item of items) {
    const key =
      String(item['key'] ?? '')
        .split('/')
        .pop() ?? '';
    const record = parseOutageRecord(key, String(item['val'] ?? ''));
    if (record) records.push(record);
    else log.warn({ key }, 'unreadable outage record ignored');
  }
  return records;
}

export async function forgetOutageRecord(ami: AmiGateway, channelId: string): Promise<void> {
  await ami.action('DBDel', { Family: OUTAGE_FAMILY, Key: channelId }).catch((err: unknown) => {
    // Already gone (another node or an earlier run forgot it) is fine.
    if (!(isTelephonyError(err) && /not found|not deleted/i.test(err.detail ?? ''))) throw err;
  });
}
