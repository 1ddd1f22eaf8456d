/** The order desk of the centre's back office (issue 10): queues, search, repeats, dispatch quality. */
export { DESK_ROLES, DeskService, type DeskOrderDetail, type DeskQueueItem, type DeskServiceOptions, type DeskUser } from './desk-service.js';
export { DESK_QUEUES, type DeskQueue, type QueueCount } from './queues.js';
export { REPEAT_WINDOW_DAYS, MAX_SIMILAR, type RepeatReason, type SimilarOrder } from './similar.js';
export { MAX_SAVED_FILTERS, SavedFilters, type SavedFilter } from './saved-filters.js';
export type { SavedFiltersStore, SavedFiltersQueries } from './saved-filters-store.js';
export { sqliteSavedFiltersStore } from './saved-filters-store-sqlite.js';
export { pgSavedFiltersStore } from './saved-filters-store-pg.js';
export type { DeskReadsStore, DeskReadsQueries } from './desk-reads-store.js';
export { sqliteDeskReadsStore } from './desk-reads-store-sqlite.js';
export { pgDeskReadsStore } from './desk-reads-store-pg.js';
export type { DeskOrderView, DeskSearch, DeskSearchPage } from './search.js';
export { CONSULTATION_MAX_ROWS, type ConsultationItem, type ConsultationKind, type ConsultationList } from './consultation.js';
