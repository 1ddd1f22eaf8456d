/**
 * Generate src/telephony/ari/generated/ari-types.ts from Asterisk's own ARI swagger 1.1 files
 * (rest-api/*.json, shipped with every Asterisk install), so our typings follow the Asterisk we
 * actually run instead of a hand-copied API list.
 *
 *   npx tsx scripts/gen-ari-types.ts [REST_API_DIR] [OUT_FILE]
 *
 * REST_API_DIR defaults to the provisioned Asterisk 22 chroot (scripts/asterisk/provision.sh).
 */
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DEFAULT_DIR = '/var/cache/sunline/asterisk-sid-22/usr/share/asterisk/rest-api';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_OUT = path.join(repoRoot, 'src/telephony/ari/generated/ari-types.ts');

interface SwaggerProp {
  type: string;
  required?: boolean;
  description?: string;
  allowableValues?: { valueType: string; values?: string[] };
}
interface SwaggerModel {
  id: string;
  description?: string;
  discriminator?: string;
  subTypes?: string[];
  properties: Record<string, SwaggerProp>;
}
interface SwaggerParam {
  name: string;
  description?: string;
  paramType: 'path' | 'query' | 'body';
  required?: boolean;
  allowMultiple?: boolean;
  dataType: string;
  allowableValues?: { valueType: string; values?: string[] };
}
interface SwaggerOp {
  httpMethod: string;
  nickname: string;
  summary?: string;
  notes?: string;
  responseClass: string;
  upgrade?: string;
  parameters?: SwaggerParam[];
  errorResponses?: { code: number | string; reason: string }[];
}
interface SwaggerFile {
  apiVersion: string;
  resourcePath: string;
  apis: { path: string; operations: SwaggerOp[] }[];
  models?: Record<string, SwaggerModel>;
}

/**
 * Where the swagger is looser than what Asterisk sends. Channel variables are always strings
 * (`ast_json_string_create` in stasis_channels.c), and `containers` bodies are string maps
 * except for the dynamic-config `fields` list.
 */
const PROP_OVERRIDES: Record<string, string> = { 'Channel.channelvars': 'Record<string, string>' };
const BODY_OVERRIDES: Record<string, string> = { fields: 'ConfigTuple[]' };

function main(): void {
  const dir = process.argv[2] ?? DEFAULT_DIR;
  const out = process.argv[3] ?? DEFAULT_OUT;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'resources.json')
    .sort();
  if (files.length === 0) throw new Error(`no ARI swagger files in ${dir}`);
  const specs = files.map((f) => ({ resource: f.replace(/\.json$/, ''), spec: JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as SwaggerFile }));
  const resources = JSON.parse(readFileSync(path.join(dir, 'resources.json'), 'utf8')) as { apiVersion: string };
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, render(specs, resources.apiVersion));
  console.log(`wrote ${path.relative(process.cwd(), out)} from ${files.length} files (ARI ${resources.apiVersion})`);
}

function render(specs: { resource: string; spec: SwaggerFile }[], apiVersion: string): string {
  const models = new Map<string, SwaggerModel>();
  for (const { spec } of specs) {
    for (const [name, m] of Object.entries(spec.models ?? {})) {
      if (models.has(name)) throw new Error(`model ${name} defined twice`);
      models.set(name, m);
    }
  }
  const parent = new Map<string, string>();
  for (const m of models.values()) for (const s of m.subTypes ?? []) parent.set(s, m.id);
  // A model is discriminated when an ancestor declares `discriminator` (Message → Event → …).
  const discriminated = (name: string): boolean => {
    for (let p = parent.get(name); p; p = parent.get(p)) if (models.get(p)?.discriminator) return true;
    return false;
  };
  const descendants = (name: string): string[] => (models.get(name)?.subTypes ?? []).flatMap((s) => [s, ...descendants(s)]);

  const o: string[] = [];
  o.push(
    '/* eslint-disable */',
    '// GENERATED FILE: do not edit by hand.',
    `// Source: Asterisk ARI swagger (rest-api/*.json), ARI apiVersion ${apiVersion}.`,
    '// Regenerate: npx tsx scripts/gen-ari-types.ts [/path/to/asterisk/rest-api]',
    '// (default path: the Asterisk 22 chroot made by scripts/asterisk/provision.sh).',
    '',
    `/** ARI version these types were generated from. */`,
    `export const ARI_API_VERSION = '${apiVersion}';`,
    '',
  );

  o.push('// ---------------------------------------------------------------- models', '');
  for (const m of models.values()) {
    const base = parent.get(m.id);
    o.push(...doc(m.description, ''));
    o.push(`export interface ${m.id}${base ? ` extends ${base}` : ''} {`);
    // Only leaves get a literal `type`; abstract bases (Event) keep `string` from Message.
    const literal = discriminated(m.id) && !m.subTypes?.length;
    if (literal) o.push(`  type: '${m.id}';`);
    for (const [name, p] of Object.entries(m.properties)) {
      if (literal && name === 'type') continue;
      const t = PROP_OVERRIDES[`${m.id}.${name}`] ?? tsType(p.type, p.allowableValues, models);
      o.push(...doc(p.description, '  '));
      o.push(`  ${key(name)}${p.required ? '' : '?'}: ${t};`);
    }
    o.push('}', '');
  }

  const events = descendants('Event').filter((n) => !models.get(n)?.subTypes?.length);
  o.push('// ---------------------------------------------------------------- events', '');
  o.push('/** Every event the ARI events websocket can deliver, discriminated on `type`. */');
  o.push(`export type AriEvent =\n${events.map((e) => `  | ${e}`).join('\n')};`, '');
  o.push('/** The `type` of an {@link AriEvent}. */', "export type AriEventType = AriEvent['type'];", '');
  o.push("/** The event interface for one `type`: `AriEventOf<'StasisStart'>`. */");
  o.push('export type AriEventOf<T extends AriEventType> = Extract<AriEvent, { type: T }>;', '');
  o.push('/** Every `type` value, for runtime checks. */');
  o.push(`export const ARI_EVENT_TYPES: readonly AriEventType[] = [\n${events.map((e) => `  '${e}',`).join('\n')}\n];`, '');

  o.push('// ---------------------------------------------------------------- operations', '');
  const metas: string[] = [];
  o.push('/** Typed parameters (path, query and body, flattened) and result of every REST operation. */');
  o.push('export interface AriOperations {');
  for (const { resource, spec } of specs) {
    for (const api of spec.apis) {
      for (const op of api.operations) {
        if (op.upgrade) continue; // the events websocket is not a REST call
        const id = `${resource}.${op.nickname}`;
        const params = op.parameters ?? [];
        const errors = (op.errorResponses ?? []).map((e) => `${e.code} ${e.reason}`);
        o.push(
          ...doc([`${op.httpMethod} ${api.path}: ${op.summary ?? ''}`, op.notes, ...errors.map((e) => `@throws ${e}`)].filter(Boolean).join('\n\n'), '  '),
        );
        o.push(`  '${id}': {`);
        if (params.length === 0) o.push('    params: Record<string, never>;');
        else {
          o.push('    params: {');
          for (const p of params) {
            o.push(...doc(p.description, '      '));
            const required = p.paramType === 'path' || p.required === true;
            o.push(`      ${key(p.name)}${required ? '' : '?'}: ${paramType(p, models)};`);
          }
          o.push('    };');
        }
        o.push(`    result: ${tsType(op.responseClass, undefined, models)};`, '  };');
        const by = (t: string) => params.filter((p) => p.paramType === t);
        metas.push(
          `  '${id}': { method: '${op.httpMethod}', path: '${api.path}', query: [${by('query')
            .map((p) => `'${p.name}'`)
            .join(', ')}], ` +
            `body: [${by('body')
              .map((p) => `{ name: '${p.name}', kind: '${p.dataType === 'containers' ? 'field' : 'whole'}' }`)
              .join(', ')}] },`,
        );
      }
    }
  }
  o.push('}', '');
  o.push('/** Name of a REST operation: `<resource>.<nickname>` as in the swagger files. */');
  o.push('export type AriOperationId = keyof AriOperations;', '');
  o.push('/** How to put an operation on the wire. Body params of kind `field` go in as `{ [name]: value }`; kind `whole` is the body itself. */');
  o.push('export interface AriOperationMeta {');
  o.push("  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';");
  o.push('  readonly path: string;');
  o.push('  readonly query: readonly string[];');
  o.push("  readonly body: readonly { readonly name: string; readonly kind: 'field' | 'whole' }[];");
  o.push('}', '');
  o.push('/** Wire description of every operation in {@link AriOperations}. */');
  o.push(`export const ARI_OPERATIONS: { readonly [K in AriOperationId]: AriOperationMeta } = {\n${metas.join('\n')}\n};`, '');
  return o.join('\n');
}

function tsType(t: string, allowable: SwaggerProp['allowableValues'], models: Map<string, SwaggerModel>): string {
  const list = /^List\[(.+)\]$/.exec(t);
  if (list) {
    const inner = tsType(list[1]!, allowable, models);
    return /^[\w.<>, ]+$/.test(inner) && !inner.includes('|') ? `${inner}[]` : `Array<${inner}>`;
  }
  switch (t) {
    case 'string':
      return allowable?.valueType === 'LIST' && allowable.values?.length ? allowable.values.map((v) => `'${v}'`).join(' | ') : 'string';
    case 'int':
    case 'long':
    case 'double':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'Date':
      return 'string'; // ISO-8601-like text, e.g. 2025-01-01T10:00:00.000+0800
    case 'object':
      return 'Record<string, unknown>';
    case 'containers':
      return 'Record<string, string>';
    case 'binary':
      return 'ArrayBuffer';
    case 'void':
      return 'void';
    default:
      if (!models.has(t)) throw new Error(`unknown swagger type ${t}`);
      return t;
  }
}

function paramType(p: SwaggerParam, models: Map<string, SwaggerModel>): string {
  if (p.paramType === 'body') return BODY_OVERRIDES[p.name] ?? tsType(p.dataType, undefined, models);
  const t = tsType(p.dataType, p.allowableValues, models);
  // allowMultiple params go on the wire comma-separated (ARI's ast_app_separate_args).
  return p.allowMultiple ? `${t.includes('|') ? `(${t})` : t} | Array<${t}>` : t;
}

function key(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`;
}

function doc(text: string | undefined, indent: string): string[] {
  if (!text?.trim()) return [];
  const lines = text.trim().replace(/\*\//g, '*\\/').split('\n');
  if (lines.length === 1) return [`${indent}/** ${lines[0]} */`];
  return [`${indent}/**`, ...lines.map((l) => `${indent} *${l ? ` ${l}` : ''}`), `${indent} */`];
}

main();
