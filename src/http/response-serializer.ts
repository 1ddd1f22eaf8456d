/**
 * Replies serialised by a function compiled from their schema (issue 18 part 3), instead of a
 * zod parse per reply (fastify-type-provider-zod's serializerCompiler: ~7 % of a GET, ~7 ms for a
 * 133 KB KPI reply). Each route's zod response schema becomes the JSON Schema the OpenAPI
 * document already shows (zod's own conversion, target OpenAPI 3.0, output side); from it
 *
 * - fast-json-stringify writes the JSON: only the properties the schema names, in its order, so a
 *   field the schema does not name (a reporter's phone on a masked row, a column added to a
 *   query) is never sent, as zod's stripping guaranteed;
 * - an Ajv validator, compiled from the same schema, checks the reply first (types, `nullable`,
 *   enums, required fields, integers, string bounds; unknown keys allowed, since they are dropped
 *   rather than refused, as zod strips them). A reply it refuses goes to the zod serializer, which
 *   answers exactly as before: a ResponseSerializationError (500), or zod's JSON if zod accepts it.
 *
 * Only schemas whose meaning JSON Schema carries whole are compiled: zod types whose checks are
 * all expressible (no refinements, transforms, defaults, unions, dates, …) and JSON Schemas made
 * of the keywords listed below. Any other schema keeps the zod serializer, so a reply can only be
 * written differently where the two agree on what the schema means. A schema is compiled on its
 * route's first reply (start-up, and every test's app, pay nothing for the routes they never
 * call). The OpenAPI document is generated separately (jsonSchemaTransform) and does not change.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

/** zod types whose JSON Schema says all they check and produce. */
const ZOD_TYPES = new Set([
  'object',
  'array',
  'string',
  'number',
  'boolean',
  'null',
  'nullable',
  'optional',
  'readonly',
  'enum',
  'literal',
  'record',
  'unknown',
  'any',
]);
/** zod checks JSON Schema expresses (string bounds, regex patterns, integer and number bounds). */
const ZOD_CHECKS = new Set(['max_length', 'min_length', 'length_equals', 'less_than', 'greater_than', 'number_format', 'multiple_of']);
/** JSON Schema keywords both fast-json-stringify and Ajv read the same way (with `nullable` as OpenAPI 3.0 means it). */
const KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'nullable',
  'enum',
  'description',
  'readOnly',
  'maxLength',
  'minLength',
  'pattern',
  'minimum',
  'maximum',
  'multipleOf',
  'maxItems',
  'minItems',
]);
const TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean']);

interface ZodNode {
  _zod: { def: { type: string; checks?: Array<{ _zod: { def: { check: string; format?: string } } }>; [k: string]: unknown } };
}
const isZod = (x: unknown): x is ZodNode => x instanceof z.core.$ZodType;

/** Whether `schema` and everything in it is of the zod types and checks above. */
function zodCompilable(schema: ZodNode, seen = new Set<ZodNode>()): boolean {
  if (seen.has(schema)) return true;
  seen.add(schema);
  const def = schema._zod.def;
  if (!ZOD_TYPES.has(def.type)) return false;
  for (const c of def.checks ?? []) {
    const check = c._zod.def;
    // A string format (email, uuid, …) other than a plain regex is left to zod.
    if (check.check === 'string_format' ? check.format !== 'regex' : !ZOD_CHECKS.has(check.check)) return false;
  }
  // Object shapes, array elements, wrapped types, record keys and values.
  const children: unknown[] = [];
  for (const value of Object.values(def)) {
    if (isZod(value)) children.push(value);
    else if (value && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype)
      children.push(...Object.values(value as Record<string, unknown>));
  }
  return children.filter(isZod).every((child) => zodCompilable(child, seen));
}

/** Whether a JSON Schema uses only the keywords and types above (`{}` is any value). */
function jsonCompilable(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return false;
  for (const [key, value] of Object.entries(schema)) {
    if (!KEYWORDS.has(key)) return false;
    if (key === 'type' && !TYPES.has(value as string)) return false;
    if (key === 'properties' && !Object.values(value as object).every(jsonCompilable)) return false;
    if ((key === 'items' || (key === 'additionalProperties' && value !== false)) && !jsonCompilable(value)) return false;
  }
  return true;
}

/**
 * The schema the reply is checked against: unknown keys allowed (they are dropped, not refused),
 * and null among the values of a nullable enum (OpenAPI 3.0's `nullable` beside an `enum`).
 */
function forValidation(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'additionalProperties' && value === false) continue;
    if (key === 'properties') out[key] = Object.fromEntries(Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, forValidation(v)]));
    else if (key === 'items' || key === 'additionalProperties') out[key] = typeof value === 'object' ? forValidation(value as JsonSchema) : value;
    else out[key] = value;
  }
  if (out['nullable'] === true && Array.isArray(out['enum']) && !out['enum'].includes(null)) out['enum'] = [...(out['enum'] as unknown[]), null];
  return out;
}

/** The JSON Schema a zod response schema compiles to, or null when it keeps the zod serializer. */
export function compilableJsonSchema(schema: unknown): JsonSchema | null {
  if (!isZod(schema) || !zodCompilable(schema)) return null;
  let json: JsonSchema;
  try {
    json = z.toJSONSchema(schema as unknown as z.ZodType, { target: 'openapi-3.0', io: 'output', unrepresentable: 'throw' });
  } catch {
    return null;
  }
  delete json['$schema'];
  return jsonCompilable(json) ? json : null;
}

const ajv = new Ajv({ strict: true, allErrors: false, validateFormats: false });

export interface CompiledReply {
  readonly stringify: (data: unknown) => string;
  readonly validate: ValidateFunction;
}

/** The compiled writer and check of a compilable schema (see compilableJsonSchema). */
export function compileReply(json: JsonSchema): CompiledReply {
  return { stringify: fastJson(json, { rounding: 'trunc' }) as (data: unknown) => string, validate: ajv.compile(forValidation(json)) };
}

/** The compiled reply of a schema, or null when it keeps the zod serializer (also if a compiler refuses it). */
function tryCompile(schema: unknown): CompiledReply | null {
  const json = compilableJsonSchema(schema);
  if (!json) return null;
  try {
    return compileReply(json);
  } catch {
    return null;
  }
}

/** Fastify's serializer compiler: compiled where the schema allows, zod's elsewhere and for every reply the check refuses. */
export const responseSerializerCompiler: FastifySerializerCompiler<unknown> = (route) => {
  const viaZod = zodSerializerCompiler(route as Parameters<typeof zodSerializerCompiler>[0]);
  let compiled: CompiledReply | null | undefined;
  return (data: unknown) => {
    if (compiled === undefined) compiled = tryCompile(route.schema);
    return compiled && compiled.validate(data) ? compiled.stringify(data) : viaZod(data);
  };
};
