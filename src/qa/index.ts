/**
 * Quality inspection (质检, issue 13 item 4): built once in buildApp from the QA store (qa-store.ts,
 * on the asynchronous database port) and config/qa.yaml as it is at each request (a hot reload
 * applies at once).
 */
import type { QaConfig } from './qa-config.js';
import { QaService } from './qa-service.js';
import type { QaStore } from './qa-store.js';

export { QaService, QA_READER_ROLES, QA_SCORER_ROLES } from './qa-service.js';
export { QaError } from './errors.js';
export { drawQaSamplesEvery, QA_DRAW_INTERVAL_MS } from './draw-timer.js';
export type { QaStore, QaQueries } from './qa-store.js';
export { sqliteQaStore } from './qa-store-sqlite.js';
export { pgQaStore } from './qa-store-pg.js';

export function startQa(d: { readonly store: QaStore; readonly config: () => QaConfig; readonly now?: () => number }): QaService {
  return new QaService({ store: d.store, config: d.config, ...(d.now ? { now: d.now } : {}) });
}
