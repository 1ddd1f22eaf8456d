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
