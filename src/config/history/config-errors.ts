/**
 * Refusals of the config editor and history (issue 11 items 4-5): coded 4xx through the shared
 * error handler; nothing is written or applied when one is thrown.
 */
import { defineErrors } from '../../errors/index.js';

export class ConfigError extends defineErrors('ConfigError', {
  /** The set with this change does not load; details list each problem with file, line and column. */
  CONFIG_INVALID: [422, 'configuration refused; the last good version keeps serving'],
  /** Another change ran since the version the editor started from (optimistic concurrency). */
  CONFIG_VERSION_CONFLICT: [409, 'the configuration changed since you opened it; reload and apply your change again'],
  CONFIG_VERSION_NOT_FOUND: [404, 'no such configuration version'],
}) {}

export type ConfigErrorCode = keyof typeof ConfigError.catalogue;
