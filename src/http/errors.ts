/**
 * The request's own error codes (src/errors/app-errors.ts), here for the HTTP routes. Every code
 * is defined once with its status and message (src/errors); one handler renders them.
 */
export { AppError, appError, type AppErrorCode as ErrorCode } from '../errors/index.js';
