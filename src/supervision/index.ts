/**
 * Listen / whisper / barge (issue 13 item 3; docs/decisions/0014-supervision.md): built once in
 * buildApp when both browser audio and telephony run; otherwise the lead's commands answer
 * SUPERVISION_DISABLED.
 */
import type { DomainEvents } from '../events/domain-events.js';
import type { Logger } from '../logging/logger.js';
import type { CallUpdate } from '../contract/index.js';
import type { MediaEnv } from '../config/env.js';
import type { Media } from '../media/index.js';
import type { AriClient } from '../telephony/ari/index.js';
import { ExternalMedia } from '../telephony/external-media.js';
import type { SupervisionAuditLog } from './audit.js';
import { MediasoupLeadAudio } from './lead-audio.js';
import { AriSnoops } from './snoop-telephony.js';
import { Supervisor } from './supervisor.js';

export { SupervisionAuditLog } from './audit.js';
export type { SupervisionAuditStore, SupervisionAuditQueries } from './audit-store.js';
export { sqliteSupervisionAuditStore } from './audit-store-sqlite.js';
export { pgSupervisionAuditStore } from './audit-store-pg.js';
export { SupervisionError } from './errors.js';
export { Supervisor, type SupervisionSignals } from './supervisor.js';

export interface SupervisionDeps {
  /** Where start, mode and stop are recorded (the same log the audit route reads). */
  audit: SupervisionAuditLog;
  media: Pick<Media, 'worker' | 'sessions' | 'calls'>;
  mediaEnv: MediaEnv;
  ari: AriClient;
  events: DomainEvents;
  /** config/recording.yaml `supervision.notifyAgent` as it is now. */
  notifyAgent: () => boolean;
  log: Logger;
}

export interface Supervision {
  supervisor: Supervisor;
  audit: SupervisionAuditLog;
  close(): Promise<void>;
}

export function startSupervision(d: SupervisionDeps): Supervision {
  const audit = d.audit;
  const snoops = new AriSnoops(d.ari);
  const supervisor = new Supervisor({
    calls: d.media.calls,
    telephony: snoops,
    leadAudio: new MediasoupLeadAudio({
      worker: d.media.worker,
      sessions: d.media.sessions,
      external: new ExternalMedia(() => d.ari),
      env: d.mediaEnv,
      log: d.log,
    }),
    audit: (row) => audit.write(row),
    notifyAgent: d.notifyAgent,
    log: d.log,
  });
  const onUpdate = (u: CallUpdate) => {
    if (u.state === 'ended') supervisor.callEnded(u.callId);
  };
  d.events.on('call.updated', onUpdate);
  // Bridges of a previous process: their lead relays are gone with it.
  const sweep = () =>
    void snoops.sweepLeftovers().then(
      (n) => n > 0 && d.log.info({ bridges: n }, 'leftover supervision bridges removed'),
      (err: unknown) => d.log.warn({ err }, 'leftover supervision sweep failed'),
    );
  d.ari.once('connected', sweep);
  return {
    supervisor,
    audit,
    async close() {
      d.events.off('call.updated', onUpdate);
      d.ari.off('connected', sweep);
      await supervisor.close();
      // The stops written by that close are committed before the database closes.
      await audit.idle();
    },
  };
}
