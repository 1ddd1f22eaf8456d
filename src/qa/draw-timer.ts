/**
 * The QA sample of each finished Beijing day is drawn by a timer, not only when somebody opens
 * the worklist: a day nobody looked at within `lookbackDays` would otherwise never be drawn (and
 * its calls never inspected). Once at start and then every `intervalMs` (an hour by default); the
 * draw is the worklist's own (QaService.drawDue), idempotent, so the timer and a read never draw a
 * day twice. A tick does not start while the previous one is still drawing. A failure is logged
 * and retried at the next tick. The function returned stops the timer and resolves once a draw
 * under way has ended (before the database closes).
 */
import type { Logger } from '../logging/logger.js';
import type { QaService } from './qa-service.js';

export const QA_DRAW_INTERVAL_MS = 3_600_000;

export function drawQaSamplesEvery(qa: Pick<QaService, 'drawDue'>, log: Logger, intervalMs = QA_DRAW_INTERVAL_MS): () => Promise<void> {
  let running: Promise<void> | undefined;
  const draw = () => {
    if (running) return;
    running = (async () => {
      try {
        const added = await qa.drawDue();
        if (added > 0) log.info({ added }, 'QA sample drawn');
      } catch (err) {
        log.error({ err }, 'drawing the QA sample failed');
      }
    })().finally(() => {
      running = undefined;
    });
  };
  draw();
  const timer = setInterval(draw, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
