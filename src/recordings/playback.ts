/**
 * Who may hear which recording, and the audit of every list, playback and download (issue 13
 * item 2; PIPL: a recording holds a citizen's voice).
 *
 * - agents: the recordings of their own calls;
 * - shift leads and admins: all; dispatchers: those of the orders in their scope (a county
 *   sub-platform its subtree's, workorders/scope.ts);
 * - unit handlers: only when config/recording.yaml `unitHandlersMayPlay` is on, and only those
 *   of orders dispatched to their unit (lead or co-handling);
 * - not to unit handlers nor county dispatchers when the order's reporter is confidential (保密);
 * - QA inspectors (`qa`): the recordings of the calls on the QA worklist or scored (src/qa/);
 * - anyone else (citizens): never (the routes' role check, 403).
 * A recording outside the reader's scope is RECORDING_NOT_FOUND, as if it did not exist.
 * Each request that sends bytes (an <audio> element seeks with several) writes one recording_audit row,
 * committed before the first byte is sent: a failed audit write sends nothing (decision 0017).
 * A list tells which recordings a call or order has (who called, when, for how long): each list
 * writes one `list` row per recording it shows, in one transaction committed before the list is
 * answered; a failed audit write fails the list. An empty list writes nothing.
 */
import type { Readable } from 'node:stream';
import type { UserRole } from '../db/schema.js';
import { canSee, scopeFor, type ScopeOptions } from '../workorders/scope.js';
import { RecordingError } from './errors.js';
import { holdMarks, type HoldMark } from './hold-marks.js';
import { answerRange } from './range.js';
import type { RecordingAuditRow, RecordingRow, RecordingsRepository } from './repository.js';
import type { ByteRange, RecordingStorage } from './storage.js';

export interface Reader {
  readonly id: number;
  readonly role: UserRole;
  readonly unitId: string | null;
}

export interface RecordingView {
  readonly id: string;
  readonly callId: string;
  readonly orderId: number | null;
  readonly agentId: number | null;
  readonly hotline: string;
  readonly state: RecordingRow['state'];
  readonly channels: number;
  readonly startedAt: number;
  readonly durationMs: number | null;
  readonly sizeBytes: number | null;
  readonly sha256: string | null;
  readonly purgedAt: number | null;
  /** Where the caller was on hold (music on hold in the recording), as offsets. */
  readonly holds: HoldMark[];
}

export interface PlaybackOptions extends ScopeOptions {
  readonly repo: RecordingsRepository;
  readonly storage: RecordingStorage;
  readonly unitHandlersMayPlay: () => boolean;
  /**
   * Whether a QA inspector may hear this call's recordings (src/qa: sampled or scored); none when
   * absent. A read: awaited before anything is listed or sent, and a rejection refuses (fails closed).
   */
  readonly qaMayHear?: (callId: string) => Promise<boolean>;
  readonly now?: () => number;
}

export interface OpenedRecording {
  readonly view: RecordingView;
  readonly size: number;
  /** null: the whole file (200); else the bytes of a 206. */
  readonly range: ByteRange | null;
  readonly body: Readable;
}

export class RecordingPlayback {
  constructor(private readonly o: PlaybackOptions) {}

  async mayRead(reader: Reader, row: RecordingRow): Promise<boolean> {
    if (reader.role === 'shift_lead' || reader.role === 'admin') return true;
    if (reader.role === 'agent') return row.agentId === reader.id;
    if (reader.role === 'qa') return this.o.qaMayHear ? (await this.o.qaMayHear(row.callId)) === true : false;
    if (reader.role === 'unit_handler' && !this.o.unitHandlersMayPlay()) return false;
    if (reader.role !== 'dispatcher' && reader.role !== 'unit_handler') return false;
    const scope = scopeFor(reader, this.o);
    if (scope.kind === 'all') return true;
    const order = row.orderId === null ? undefined : await this.o.repo.orderUnits(row.orderId);
    // A confidential reporter's voice (who usually says their name and number) is the reporter:
    // hidden from those who may not see the reporter, as the order's name and phone are (scope.ts).
    return order !== undefined && canSee(scope, order) && !(order.confidential && scope.hideReporter);
  }

  async view(row: RecordingRow): Promise<RecordingView> {
    const duration = row.durationMs ?? 0;
    return {
      id: row.id,
      callId: row.callId,
      orderId: row.orderId,
      agentId: row.agentId,
      hotline: row.hotline,
      state: row.state,
      channels: row.channels,
      startedAt: row.startedAt,
      durationMs: row.durationMs,
      sizeBytes: row.sizeBytes,
      sha256: row.sha256,
      purgedAt: row.purgedAt,
      holds: row.state === 'stored' ? holdMarks(await this.o.repo.holdEvents(row.callId), row.startedAt, duration) : [],
    };
  }

  /** The recordings of a call or an order the reader may hear, audited. */
  async list(reader: Reader, by: { callId: string } | { orderId: number }): Promise<RecordingView[]> {
    if ('callId' in by) return this.audited(reader, await this.o.repo.ofCall(by.callId), { list: 'call', callId: by.callId });
    return this.audited(reader, await this.o.repo.ofOrder(by.orderId), { list: 'order', orderId: by.orderId });
  }

  /** The reader's own calls' latest recordings, newest first (agents: the console's 我的通话录音), audited. */
  async listOwn(reader: Reader, limit: number): Promise<RecordingView[]> {
    return this.audited(reader, await this.o.repo.ofAgent(reader.id, limit), { list: 'mine' });
  }

  /** The rows the reader may hear, as views, once a `list` audit row for each is committed. */
  private async audited(reader: Reader, rows: RecordingRow[], list: Record<string, unknown>): Promise<RecordingView[]> {
    const views = await this.readable(reader, rows);
    const at = (this.o.now ?? Date.now)();
    // Committed before the list is handed out: a list that cannot be audited is not answered.
    await this.o.repo.auditAll(
      views.map((v) => ({ at, actorId: reader.id, action: 'list' as const, recordingId: v.id, range: null, details: { role: reader.role, ...list } })),
    );
    return views;
  }

  async find(reader: Reader, id: string): Promise<RecordingRow> {
    const row = await this.o.repo.get(id);
    if (!row || !(await this.mayRead(reader, row))) throw new RecordingError('RECORDING_NOT_FOUND');
    return row;
  }

  /** The rows the reader may hear, in their order, as views. */
  private async readable(reader: Reader, rows: RecordingRow[]): Promise<RecordingView[]> {
    const may = await Promise.all(rows.map((r) => this.mayRead(reader, r)));
    return Promise.all(rows.filter((_, i) => may[i]).map((r) => this.view(r)));
  }

  /** The recording's audit rows, oldest first (administrators: the route's role check). */
  async audit(id: string): Promise<RecordingAuditRow[]> {
    if (!(await this.o.repo.get(id))) throw new RecordingError('RECORDING_NOT_FOUND');
    return this.o.repo.auditOf(id);
  }

  /** The bytes to send for a playback (`play`) or download, audited; 416 for a range outside the file. */
  async open(reader: Reader, id: string, rangeHeader: string | undefined, action: 'play' | 'download'): Promise<OpenedRecording> {
    const row = await this.find(reader, id);
    if (row.state === 'purged') throw new RecordingError('RECORDING_PURGED');
    if (row.state !== 'stored' || !row.storageKey) throw new RecordingError('RECORDING_NOT_READY');
    const size = await this.o.storage.size(row.storageKey);
    if (size === null) throw new RecordingError('RECORDING_NOT_FOUND', `the file of recording ${id} is missing`);
    const answer = answerRange(rangeHeader, size);
    // A refused range changes nothing (house rule: bad input → 4xx, no write); no byte was sent.
    if (answer.kind === 'unsatisfiable') throw new RecordingError('RANGE_NOT_SATISFIABLE', undefined, { details: { size } });
    // Committed before the body is handed out: an access that cannot be audited is refused.
    await this.o.repo.audit({
      at: (this.o.now ?? Date.now)(),
      actorId: reader.id,
      action,
      recordingId: id,
      range: rangeHeader ?? null,
      details: { role: reader.role, status: answer.kind === 'partial' ? 206 : 200 },
    });
    const range = answer.kind === 'partial' ? answer.range : null;
    return { view: await this.view(row), size, range, body: this.o.storage.get(row.storageKey, range ?? undefined) };
  }
}
