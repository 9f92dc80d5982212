import fc from 'fast-check';
import { uriEscape } from '../../../src/auth/canonical.js';
import type { OperationDef } from '../../../src/api/operations.js';
import { type JsonSchema, bodySchema, querySchema } from '../../../src/api/wire-schemas.js';

/**
 * Request generators for the bad-input fuzzer. They know each operation's shape (from the wire
 * schemas) and the values that exist in the database under test, so most cases are *almost*
 * right — one or two parts broken — and reach the domain rules instead of stopping at the first
 * type check. Every request is signed later, so none of them stop at authentication either.
 */
export interface FuzzContext {
  /** Field or path-parameter name → values that exist (ids, catalog names, free CIDRs). */
  known: Readonly<Record<string, readonly string[]>>;
  bodyLimit: number;
}

export interface FuzzRequest {
  method: string;
  /** Wire path including `/v1`, already percent-encoded (or deliberately not). */
  path: string;
  /** Raw query string without `?`. */
  query: string;
  body: string | undefined;
  /** Sent and covered by the signature. */
  signedHeaders: Record<string, string>;
  /** Added after signing (unsigned headers are allowed by the protocol). */
  unsignedHeaders: Record<string, string>;
  /** What was broken, for the failure report. */
  notes: string[];
}

const SPECIAL_STRINGS = [
  '',
  ' ',
  '0',
  '-1',
  'null',
  'true',
  '[]',
  '{}',
  "' OR '1'='1",
  '"; DROP TABLE instances; --',
  '../../etc/passwd',
  '%00',
  '%',
  '%zz',
  '\u0000',
  '\u202e\u200b',
  '\ud800',
  'a\udfffb',
  '😀'.repeat(20),
  'ä'.repeat(300),
  'x'.repeat(70_000),
  '<script>alert(1)</script>',
  '${7*7}{{7*7}}',
  '\r\nX-Injected: 1',
  'a'.repeat(257),
  '10.0.0.0/8',
  '0.0.0.0/0',
  '255.255.255.255',
  '::1',
  '1e309',
  'NaN',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
];

/** Hostile text: unicode of every plane, lone surrogates, control characters, huge strings. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.nat({ max: 20_000 }).map((n) => 'y'.repeat(n)) },
);

const EDGE_NUMBERS = [
  -1,
  -0,
  0.5,
  2 ** 31,
  2 ** 31 - 1,
  2 ** 53 + 2,
  -(2 ** 63),
  1e21,
  1e308,
  10240,
  10241,
  65536,
];

export const numberArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 3 }) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.constantFrom(...EDGE_NUMBERS) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
);

/** A value of the wrong JSON type, whatever type was expected. */
const anyJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.integer(),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.double(),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

/** Own keys only: a fuzzed field name such as `constructor` must not find Object.prototype. */
const knownFor = (ctx: FuzzContext, field: string): readonly string[] =>
  Object.hasOwn(ctx.known, field) ? ctx.known[field] : [];

function stringFor(field: string, ctx: FuzzContext): fc.Arbitrary<string> {
  const known = knownFor(ctx, field);
  const arbs: fc.WeightedArbitrary<string>[] = [
    { weight: 3, arbitrary: hostileString },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 20 }) },
  ];
  if (known.length > 0) arbs.push({ weight: 7, arbitrary: fc.constantFrom(...known) });
  return fc.oneof(...arbs);
}

const plainString = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);

/**
 * A value that fits `schema` (types, enums, required keys). `clean` values use only known or
 * plain values and small counts, so that the mutations applied afterwards are the only defect
 * and the request reaches the domain rules; noisy ones may be wrong anywhere.
 */
function valueFor(
  schema: JsonSchema,
  field: string,
  ctx: FuzzContext,
  clean: boolean,
): fc.Arbitrary<unknown> {
  switch (schema.type) {
    case 'string': {
      const en = schema.enum as string[] | undefined;
      if (en) {
        return clean
          ? fc.constantFrom(...en)
          : fc.oneof(
              { weight: 9, arbitrary: fc.constantFrom(...en) },
              { weight: 1, arbitrary: hostileString },
            );
      }
      if (!clean) return stringFor(field, ctx);
      const known = knownFor(ctx, field);
      return known.length > 0 ? fc.constantFrom(...known) : plainString;
    }
    case 'integer':
      return clean ? fc.integer({ min: 1, max: 3 }) : numberArb;
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valueFor(schema.items as JsonSchema, field, ctx, clean), { maxLength: clean ? 2 : 3 });
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, s] of Object.entries(props)) model[k] = valueFor(s, k, ctx, clean);
      return fc.record(model, { requiredKeys: (schema.required as string[] | undefined) ?? [] });
    }
    default:
      return anyJsonValue;
  }
}

type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  }
  return out;
}

function nested(depth: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? { a: v } : [v];
  return v;
}

type MutationKind = 'delete' | 'wrongType' | 'hostile' | 'extra' | 'null' | 'deep' | 'number';

interface Mutation {
  kind: MutationKind;
  at: number;
  key: string;
  value: unknown;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<MutationKind>('delete', 'wrongType', 'hostile', 'extra', 'null', 'deep', 'number'),
  at: fc.noBias(fc.integer({ min: 0, max: 1_000_000 })),
  key: fc.oneof(
    fc.constantFrom('__proto__', 'constructor', 'extra', 'clientToken', 'regionId'),
    hostileString,
  ),
  value: anyJsonValue,
});

/** Applies the mutation to a copy; returns the new value and a note saying what changed. */
function mutate(value: unknown, m: Mutation, hostile: string, depth: number, num: number): [unknown, string] {
  const root = structuredClone(value) as Record<string, unknown>;
  const paths = pathsOf(root);
  const target = paths[m.at % paths.length];
  const where = target.length === 0 ? '(root)' : target.join('.');
  const parentOf = (p: Path): [Record<string | number, unknown>, string | number] | undefined => {
    if (p.length === 0) return undefined;
    let node: unknown = root;
    for (const k of p.slice(0, -1)) node = (node as Record<string | number, unknown>)[k];
    return [node as Record<string | number, unknown>, p[p.length - 1]];
  };
  const set = (v: unknown): [unknown, string] => {
    const pk = parentOf(target);
    if (!pk) return [v, `root replaced by ${m.kind}`];
    pk[0][pk[1]] = v;
    return [root, `${where} ← ${m.kind}`];
  };
  switch (m.kind) {
    case 'delete': {
      const pk = parentOf(target);
      if (!pk) return [root, 'nothing deleted'];
      if (Array.isArray(pk[0])) pk[0].splice(Number(pk[1]), 1);
      else delete pk[0][pk[1]];
      return [root, `${where} deleted`];
    }
    case 'extra': {
      let node: unknown = root;
      for (const k of target) node = (node as Record<string | number, unknown>)[k];
      if (typeof node !== 'object' || node === null || Array.isArray(node)) return set(m.value);
      // defineProperty: a key named __proto__ must become an own JSON key, not the prototype.
      Object.defineProperty(node, m.key, {
        value: m.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return [root, `${where}.${m.key.slice(0, 30)} added`];
    }
    case 'wrongType':
      return set(m.value);
    case 'hostile':
      return set(hostile);
    case 'null':
      return set(null);
    case 'deep':
      return set(nested(depth, 1));
    case 'number':
      return set(num);
  }
}

const NON_OBJECT_BODIES = [
  '[]',
  '[{}]',
  '"text"',
  '42',
  'true',
  'null',
  '{"a":1}{"b":2}',
  '\ufeff{}',
  '{"a":1,"a":2}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  "{'single':'quotes'}",
  '{"trailing":1,}',
  'NaN',
  '{"n":1e400}',
  '{"s":"\\ud800"}',
  '{"s":"\\u0000"}',
];

/** A body for `op`: mostly a schema-shaped object with 0–3 mutations, sometimes raw junk. */
export function bodyArb(op: OperationDef, ctx: FuzzContext): fc.Arbitrary<{ text: string; note: string }> {
  const schema = bodySchema(op.spec) ?? { type: 'object', properties: {}, required: [] };
  const shapedBy = (clean: boolean) =>
    fc
      .tuple(
        valueFor(schema, '', ctx, clean),
        fc.array(fc.tuple(mutationArb, hostileString, fc.integer({ min: 2, max: 60 }), numberArb), {
          maxLength: clean ? 2 : 3,
        }),
      )
      .map(([value, muts]) => {
        let v = value;
        const notes: string[] = [];
        for (const [m, s, d, n] of muts) {
          const [next, note] = mutate(v, m, s, d, n);
          v = next;
          notes.push(note);
        }
        const shape = clean ? 'clean' : 'noisy';
        return {
          text: JSON.stringify(v) ?? '',
          note: notes.length ? `${shape}: ${notes.join(', ')}` : `${shape} body`,
        };
      });
  const shaped = shapedBy(false);
  const broken = fc
    .tuple(shaped, fc.nat(), fc.constantFrom('cut', 'garbage', 'unclosed-string'))
    .map(([b, at, how]) => {
      const i = b.text.length === 0 ? 0 : at % b.text.length;
      const text =
        how === 'cut'
          ? b.text.slice(0, i)
          : how === 'garbage'
            ? `${b.text.slice(0, i)}\u0001}{${b.text.slice(i)}`
            : `${b.text.slice(0, i)}"`;
      return { text, note: `broken JSON (${how} at ${i})` };
    });
  const deepRaw = fc.tuple(fc.integer({ min: 33, max: 100_000 }), fc.boolean()).map(([n, arrays]) => ({
    text: arrays ? `{"a":${'['.repeat(n)}${']'.repeat(n)}}` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`,
    note: `nesting depth ${n}`,
  }));
  const oversize = fc.integer({ min: 1, max: 4096 }).map((extra) => ({
    text: `{"pad":"${'x'.repeat(ctx.bodyLimit + extra)}"}`,
    note: `body ${ctx.bodyLimit + extra + 10} bytes, over the limit`,
  }));
  return fc.oneof(
    { weight: 20, arbitrary: shapedBy(true) },
    { weight: 12, arbitrary: shaped },
    { weight: 4, arbitrary: broken },
    {
      weight: 3,
      arbitrary: fc.constantFrom(...NON_OBJECT_BODIES).map((text) => ({ text, note: 'non-object JSON' })),
    },
    { weight: 2, arbitrary: deepRaw },
    { weight: 1, arbitrary: oversize },
    { weight: 1, arbitrary: fc.constant({ text: '', note: 'empty body' }) },
  );
}

const RAW_PATH_JUNK = ['%', '%zz', '%E0%A4%A', '%FF%FE', '%00', '%C0%AF', 'a:b', 'x%3Ay', '%2F', '~'];

/**
 * No '.' or '..' segments (also as %2e): the injector resolves them like a browser (WHATWG URL),
 * changing the path after signing, so such a case could only ever be a 401.
 */
const DOT_SEGMENT = /^(\.|%2e){1,2}$/i;

function pathParamArb(name: string, ctx: FuzzContext): fc.Arbitrary<string> {
  const known = knownFor(ctx, name);
  const arbs: fc.WeightedArbitrary<string>[] = [
    { weight: 2, arbitrary: hostileString.map(uriEscape) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_PATH_JUNK) },
  ];
  if (known.length > 0)
    arbs.push({ weight: name === 'regionId' ? 12 : 6, arbitrary: fc.constantFrom(...known) });
  return fc.oneof(...arbs).map((v) => (DOT_SEGMENT.test(v) ? `${v}x` : v));
}

const RAW_QUERY_JUNK = [
  'a=%',
  'a=%zz',
  '%=1',
  '=',
  '&&',
  'a=1=2',
  'a[b]=1',
  'a=%E0%A4%A',
  'pageSize=%31%30',
  'pageNumber=+1',
  'pageNumber=1e2',
  'pageSize=0x10',
  'filters.0.name=%',
  'filters.x.name=a',
  'filters.0.values.-1=a',
  'filters.99999999999999999999.name=a',
];

function queryArb(op: OperationDef, ctx: FuzzContext): fc.Arbitrary<string> {
  const qs = querySchema(op.spec);
  const fields = Object.entries((qs?.properties ?? {}) as Record<string, JsonSchema>);
  const filterNames = op.filterNames;
  const esc = (s: string) => uriEscape(s);
  const pairs: fc.WeightedArbitrary<string>[] = [
    {
      weight: 2,
      arbitrary: fc.tuple(hostileString, hostileString).map(([k, v]) => `${esc(k)}=${esc(v)}`),
    },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_QUERY_JUNK) },
  ];
  if (fields.length > 0) {
    pairs.push({
      weight: 8,
      arbitrary: fc
        .constantFrom(...fields)
        .chain(([name, s]) =>
          fc
            .oneof(
              { weight: 3, arbitrary: s.type === 'integer' ? numberArb.map(String) : stringFor(name, ctx) },
              { weight: 1, arbitrary: hostileString },
            )
            .map((v) => `${esc(name)}=${esc(v)}`),
        ),
    });
  }
  const filterName = fc.oneof(
    ...(filterNames.length ? [{ weight: 4, arbitrary: fc.constantFrom(...filterNames) }] : []),
    { weight: 1, arbitrary: hostileString },
  );
  if (filterNames.length > 0) {
    // A coherent filter (name plus values that exist) gets past the parser to the repositories.
    pairs.push({
      weight: 6,
      arbitrary: fc
        .tuple(fc.nat({ max: 3 }), fc.constantFrom(...filterNames))
        .chain(([n, name]) =>
          fc
            .array(stringFor(name, ctx), { minLength: 1, maxLength: 2 })
            .map((vals) =>
              [
                `filters.${n}.name=${name}`,
                ...vals.map((v, i) => `filters.${n}.values.${i + 1}=${esc(v)}`),
              ].join('&'),
            ),
        ),
    });
  }
  pairs.push({
    weight: filterNames.length ? 3 : 1,
    arbitrary: fc
      .tuple(
        fc.nat({ max: 3 }),
        fc.nat({ max: 3 }),
        fc.constantFrom('name', 'values', 'operator'),
        filterName,
      )
      .chain(([n, m, part, fname]) => {
        if (part === 'name') return fc.constant(`filters.${n}.name=${esc(fname)}`);
        if (part === 'operator')
          return fc.constantFrom('eq', 'in', 'ne', 'like', '').map((o) => `filters.${n}.operator=${o}`);
        return stringFor(fname, ctx).map((v) => `filters.${n}.values.${m}=${esc(v)}`);
      }),
  });
  return fc.array(fc.oneof(...pairs), { maxLength: 6 }).map((ps) => ps.join('&'));
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=utf-16',
  'multipart/form-data; boundary=x',
  'application/xml',
  '*/*',
  '',
];

const headerValue = fc
  .string({ unit: 'binary-ascii', maxLength: 30 })
  .map((s) => s.replace(/[^\x20-\x7e]/g, ''));

const SIGNED_EXTRA = ['x-jdcloud-fuzz', 'x-jdcloud-request-id', 'accept', 'x-forwarded-for', 'user-agent'];
/** Never a name from SIGNED_EXTRA: changing a signed header is the signature matrix's job. */
const UNSIGNED_EXTRA: Record<string, string>[] = [
  {},
  { 'content-encoding': 'gzip' },
  { 'accept-encoding': 'br' },
  { 'x-http-method-override': 'DELETE' },
  { 'x-request-id': 'client-chosen' },
  { 'x-forwarded-host': 'evil.example' },
];

const OTHER_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH'];
const PATH_SUFFIXES = ['/', '//', '/x', ':noSuchAction', '%3AnoSuchAction', '/@stopInstance'];

/** One fuzzed request for `op`: path, query, headers and body each possibly broken. */
export function requestArb(op: OperationDef, ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const params = op.spec.pathParams;
  const paramArbs = Object.fromEntries(params.map((p) => [p, pathParamArb(p, ctx)]));
  const hasBody = op.spec.method === 'PUT' || op.spec.method === 'POST';
  return fc
    .record({
      params: fc.record(paramArbs),
      query: fc.oneof({ weight: 1, arbitrary: fc.constant('') }, { weight: 3, arbitrary: queryArb(op, ctx) }),
      body: hasBody
        ? bodyArb(op, ctx)
        : op.spec.method === 'DELETE'
          ? fc.option(bodyArb(op, ctx), { freq: 12, nil: undefined })
          : fc.constant(undefined),
      contentType: fc.oneof(
        { weight: 6, arbitrary: fc.constant('application/json') },
        { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
      ),
      signedExtra: fc.dictionary(fc.constantFrom(...SIGNED_EXTRA), headerValue, { maxKeys: 2 }),
      unsigned: fc.oneof(
        { weight: 6, arbitrary: fc.constant({}) },
        { weight: 1, arbitrary: fc.constantFrom(...UNSIGNED_EXTRA) },
      ),
      method: fc.oneof(
        { weight: 30, arbitrary: fc.constant(op.spec.method) },
        { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) },
      ),
      suffix: fc.oneof(
        { weight: 20, arbitrary: fc.constant('') },
        { weight: 1, arbitrary: fc.constantFrom(...PATH_SUFFIXES) },
      ),
    })
    .map((r) => {
      // The SDKs send the action colon percent-encoded; a raw ':' comes from the path junk.
      let path = op.spec.path.replace(/:(\w+)$/, '%3A$1');
      for (const p of params) path = path.replace(`{${p}}`, r.params[p]);
      path += r.suffix;
      const notes: string[] = [];
      if (r.body) notes.push(r.body.note);
      if (r.method !== op.spec.method) notes.push(`method ${r.method}`);
      return {
        method: r.method,
        path,
        query: r.query,
        // Fastify does not read a GET body, so a signed one could only ever be a 401.
        body: r.method === 'GET' ? undefined : r.body?.text,
        signedHeaders: { 'content-type': r.contentType, ...r.signedExtra },
        unsignedHeaders: r.unsigned,
        notes,
      };
    });
}
