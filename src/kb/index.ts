/** The knowledge base (知识库, issue 15): articles, their workflow, Chinese search, figures and import. */
export { KbService, beijingDay, type ArticleView, type KbSearchParams, type KbSearchResult, type KbServiceOptions, type KbOrderRef } from './kb-service.js';
export { KbError, type KbErrorCode } from './errors.js';
export { ArticleFields, KbDate, KB_TYPE_NAMES, type ArticleFieldsInput } from './article-input.js';
export { KbConfigSchema, checkKbConfig, type KbConfig } from './kb-config.js';
export { KB_READER_ROLES, KB_EDITOR_ROLES, type KbActor } from './workflow.js';
export { kbFigures, type KbFigures, type OnSpotFigures } from './figures.js';
export type { KbStore } from './kb-store.js';
export { sqliteKbStore } from './kb-store-sqlite.js';
export { pgKbStore } from './kb-store-pg.js';
export { kbDirectory, type KbDirectory } from './facets.js';
export { readXlsx, MAX_XLSX_BYTES, MAX_XLSX_ROWS } from './xlsx-import.js';
export { KbAttachments, MAX_FILES_PER_VERSION, type KbAttachmentView } from './attachments.js';
