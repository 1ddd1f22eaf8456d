/**
 * Quality inspection (质检, issue 13 item 4): built once in buildApp from the database and
 * config/qa.yaml as it is at each request (a hot reload applies at once).
 */
import type { Db } from '../db/connection.js';
import type { QaConfig } from './qa-config.js';
import { QaService } from './qa-service.js';
import { QaRepository } from './repository.js';

export { QaService, QA_READER_ROLES, QA_SCORER_ROLES } from './qa-service.js';
export { QaError } from './errors.js';
export { drawQaSamplesEvery, QA_DRAW_INTERVAL_MS } from './draw-timer.js';

export function startQa(d: { readonly db: Db; readonly config: () => QaConfig; readonly now?: () => number }): QaService {
  return new QaService({ repo: new QaRepository(d.db), config: d.config, ...(d.now ? { now: d.now } : {}) });
}
