export { CodedError, defineErrors, isCodedError } from './define-errors.js';
export type { Catalogue, CodedErrorClass, CodedErrorOptions, ErrorDef, ErrorSpec } from './define-errors.js';
export { AppError, appError, type AppErrorCode } from './app-errors.js';
export { errorBody, type ErrorBody } from './error-body.js';
