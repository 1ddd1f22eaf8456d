export { UsersService, type SessionUser, type NewUser } from './users-service.js';
export { SESSION_COOKIE } from './session-user.js';
export { SessionCache, SESSION_CACHE_DEFAULTS, type CachedSession } from './session-cache.js';
export { hashPassword, verifyPassword } from './password.js';
export { LoginThrottle, LoginLockedError, LOGIN_THROTTLE_DEFAULTS, type LoginThrottleOptions } from './login-throttle.js';
export { purgeSessionsEvery, SESSION_PURGE_MS } from './session-purge.js';
export type { UsersStore, UsersQueries, UserRow } from './users-store.js';
export { sqliteUsersStore } from './users-store-sqlite.js';
export { pgUsersStore } from './users-store-pg.js';
