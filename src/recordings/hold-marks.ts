/**
 * Hold marks of a recording (issue 13): a held caller hears music on hold, which the recording
 * keeps (no silent gap to puzzle a reviewer); the call's `held`/`resumed` events say where, as
 * offsets into the recording. A hold still open at the end runs to the end.
 */
export interface HoldMark {
  readonly fromMs: number;
  readonly toMs: number;
}

export function holdMarks(events: ReadonlyArray<{ type: string; at: number }>, startedAt: number, durationMs: number): HoldMark[] {
  const marks: HoldMark[] = [];
  const clamp = (at: number) => Math.min(durationMs, Math.max(0, at - startedAt));
  let heldAt: number | undefined;
  for (const e of events) {
    if (e.type === 'held' && heldAt === undefined) heldAt = e.at;
    else if (e.type === 'resumed' && heldAt !== undefined) {
      marks.push({ fromMs: clamp(heldAt), toMs: clamp(e.at) });
      heldAt = undefined;
    }
  }
  if (heldAt !== undefined) marks.push({ fromMs: clamp(heldAt), toMs: durationMs });
  return marks.filter((m) => m.toMs > m.fromMs);
}
