/** Config history (issue 11 item 4): the versions that ran, their texts and differences. */
export { ConfigHistory, type ConfigVersion } from './config-history.js';
export type { ConfigHistoryStore, ConfigHistoryQueries } from './config-history-store.js';
export { sqliteConfigHistoryStore } from './config-history-store-sqlite.js';
export { pgConfigHistoryStore } from './config-history-store-pg.js';
export { diffTexts, type FileDiff } from './config-diff.js';
export { ConfigError, type ConfigErrorCode } from './config-errors.js';
export { ConfigAdmin, EDITABLE_FILES, problemView, type Applied, type EditableFile, type ProblemView } from './config-admin.js';
