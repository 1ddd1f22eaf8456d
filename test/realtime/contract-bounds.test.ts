/**
 * Every socket event payload is bounded (issue 9): each string has a maximum length, each array a
 * maximum number of items, each number a maximum, and an object that lets unknown fields through
 * (mediasoup's RTP parameters) is bounded by its size as JSON. Walks the JSON Schema of every
 * route's zod schema, so a new event with an unbounded field fails here.
 */
import t from 'tap';
import { z } from 'zod';
import { MediaProducePayload } from '../../src/contract/index.js';
import { ROUTES } from '../../src/realtime/handlers.js';

type Json = Record<string, unknown>;

function unbounded(schema: Json, path: string, sizeBounded: boolean): string[] {
  const bounded = sizeBounded || typeof schema.maxJsonChars === 'number';
  const found: string[] = [];
  const type = schema.type;
  if (type === 'string' && schema.maxLength === undefined && schema.const === undefined && schema.enum === undefined)
    found.push(`${path}: string without maxLength`);
  if ((type === 'number' || type === 'integer') && schema.maximum === undefined) found.push(`${path}: number without maximum`);
  if (type === 'array') {
    if (schema.maxItems === undefined) found.push(`${path}: array without maxItems`);
    if (schema.items) found.push(...unbounded(schema.items as Json, `${path}[]`, bounded));
  }
  if (type === 'object') {
    const extra = schema.additionalProperties;
    if (extra !== undefined && extra !== false && !bounded) found.push(`${path}: object open to unknown fields without maxJsonChars`);
    for (const [k, v] of Object.entries((schema.properties as Record<string, Json> | undefined) ?? {})) found.push(...unbounded(v, `${path}.${k}`, bounded));
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const)
    for (const [i, s] of ((schema[key] as Json[] | undefined) ?? []).entries()) found.push(...unbounded(s, `${path}|${key}${i}`, bounded));
  return found;
}

t.test('every socket event payload schema is bounded', async (t) => {
  let checked = 0;
  for (const [event, route] of Object.entries(ROUTES)) {
    if (!route.schema) continue;
    checked++;
    const json = z.toJSONSchema(route.schema, { io: 'input', unrepresentable: 'throw' }) as Json;
    t.same(unbounded(json, event, false), [], event);
  }
  t.ok(checked >= 15, `${checked} payload schemas checked`);
});

t.test('the walker finds what it should', async (t) => {
  const open = z.toJSONSchema(z.object({ a: z.string(), b: z.array(z.number()), c: z.looseObject({}) }), { io: 'input' }) as Json;
  t.same(unbounded(open, 'x', false), [
    'x.a: string without maxLength',
    'x.b: array without maxItems',
    'x.b[]: number without maximum',
    'x.c: object open to unknown fields without maxJsonChars',
  ]);
});

t.test("mediasoup's RTP parameters are refused when their JSON is too large, even in fields we let through unchecked", async (t) => {
  const codecs = [{ mimeType: 'audio/PCMU', payloadType: 0, clockRate: 8000 }];
  const ok = MediaProducePayload.safeParse({ transportId: 't', kind: 'audio', rtpParameters: { codecs, encodings: [{ ssrc: 1234 }], rtcp: { cname: 'abc' } } });
  t.ok(ok.success, 'a real one passes');
  const fat = MediaProducePayload.safeParse({ transportId: 't', kind: 'audio', rtpParameters: { codecs, encodings: [{ junk: 'x'.repeat(10_000) }] } });
  t.notOk(fat.success, 'a 10 kB field is refused');
  const wide = MediaProducePayload.safeParse({
    transportId: 't',
    kind: 'audio',
    rtpParameters: { codecs, ...Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i])) },
  });
  t.notOk(wide.success, '2,000 unknown keys are refused');
});
