/**
 * Bounds for payloads that must stay open to fields we do not check (issue 9: every socket
 * payload is bounded). A leaf of the contract: imports only zod.
 */
import { z } from 'zod';

/**
 * `schema`, refused when its value is longer than `maxChars` as JSON. For objects kept loose
 * because a library reads fields we pass through unchecked (mediasoup's RTP parameters). The
 * bound is also recorded as `maxJsonChars` in its JSON Schema (test/realtime/contract-bounds.test.ts).
 */
export const boundedJson = <S extends z.ZodType>(schema: S, maxChars: number) =>
  schema.refine((v) => JSON.stringify(v).length <= maxChars, { message: `at most ${maxChars} characters as JSON` }).meta({ maxJsonChars: maxChars });

/**
 * The largest row id (and version, count of a row) both databases hold: PostgreSQL's `integer`
 * (SQLite's are wider). An id above it is refused as bad input (VALIDATION_FAILED): sent to
 * PostgreSQL it would fail the query ("out of range for type integer"), a 500.
 */
export const MAX_ROW_ID = 2 ** 31 - 1;

/** A row id in a JSON body or a socket payload. */
export const rowId = () => z.number().int().positive().max(MAX_ROW_ID);

/** A row id in a path or a query string (text, coerced). */
export const rowIdParam = () => z.coerce.number().int().positive().max(MAX_ROW_ID);
