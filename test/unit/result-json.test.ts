import fastJson from 'fast-json-stringify';
import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/api/operations.js';
import { lazyStringify, resultJson } from '../../src/api/result-json.js';
import { type JsonSchema, resultSchema } from '../../src/api/wire-schemas.js';

const schemaOf = (name: string): JsonSchema => {
  const op = OPERATIONS.find((o) => o.name === name);
  if (op === undefined) throw new Error(`no operation ${name}`);
  return resultSchema(op.spec);
};

/** A value for every field of `schema`, strings made of `text` (escapes and all). */
function sample(schema: JsonSchema, text: string): unknown {
  switch (schema.type) {
    case 'string':
      return text;
    case 'integer':
      return text.length;
    case 'boolean':
      return text.length % 2 === 0;
    case 'array':
      return [sample(schema.items as JsonSchema, `${text}[0]`)];
    default: {
      const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
      return Object.fromEntries(Object.entries(props).map(([k, s]) => [k, sample(s, `${text}.${k}`)]));
    }
  }
}

const text = (parts: Buffer[]) => Buffer.concat(parts).toString('utf8');
const full = (schema: JsonSchema) => fastJson(schema as unknown as Parameters<typeof fastJson>[0]);
// Quotes, the spliced key itself inside a string, a backslash at the end, non-ASCII, a control char.
const AWKWARD = ['plain', 'say "hi"', '"instances":[]', 'ends with \\', 'héllo — 世界 😀', 'tab\there\n'];

describe('result JSON assembled from the JSON kept per model object', () => {
  it('a page is byte for byte what the result schema’s serialiser writes', () => {
    const schema = schemaOf('describeInstances');
    const item = (schema.properties as Record<string, JsonSchema>).instances.items as JsonSchema;
    const toJson = resultJson(schema, lazyStringify(schema));
    const instances = AWKWARD.map((t) => sample(item, t));
    for (const list of [instances, instances.slice(0, 1), []]) {
      const page = { instances: list, pageNumber: 3, pageSize: 20, totalCount: 123456 };
      expect(text(toJson(page))).toBe(full(schema)(page));
    }
  });

  it('describeInstance likewise, and a page reuses the JSON its instances were answered with', () => {
    const page = schemaOf('describeInstances');
    const one = schemaOf('describeInstance');
    const item = (page.properties as Record<string, JsonSchema>).instances.items as JsonSchema;
    const pageJson = resultJson(page, lazyStringify(page));
    const oneJson = resultJson(one, lazyStringify(one));
    const a = sample(item, 'a "quoted" name') as Record<string, unknown>;
    const b = sample(item, 'b') as Record<string, unknown>;
    expect(text(oneJson({ instance: a }))).toBe(full(one)({ instance: a }));
    // Kept per object: a changed copy is serialised anew, the untouched object is not.
    const serialised = JSON.stringify(a);
    const spy = { calls: 0, lists: [] as number[] };
    const counting = (v: unknown) => {
      spy.calls++;
      spy.lists.push((v as { instances: unknown[] }).instances.length);
      return full(page)(v);
    };
    const counted = resultJson(page, counting);
    const b2 = { ...b, status: 'running' };
    expect(text(pageJson({ instances: [a, b2], pageNumber: 1, pageSize: 10, totalCount: 2 }))).toBe(
      full(page)({ instances: [a, b2], pageNumber: 1, pageSize: 10, totalCount: 2 }),
    );
    expect(text(counted({ instances: [a], pageNumber: 1, pageSize: 10, totalCount: 1 }))).toContain(
      '"instances":[{',
    );
    expect(spy.calls).toBe(1); // the outer result only: `a` was serialised before
    expect(spy.lists).toEqual([0]); // …with its list empty: the instance's JSON is put in after
    // The very bytes describeInstance answered `a` with, not a copy made again.
    expect(counted({ instances: [a], pageNumber: 1, pageSize: 10, totalCount: 1 })).toContain(
      oneJson({ instance: a })[1],
    );
    expect(JSON.stringify(a)).toBe(serialised);
  });

  it('falls back to the whole result when the list holds something else than objects', () => {
    const schema = schemaOf('describeInstances');
    const toJson = resultJson(schema, lazyStringify(schema));
    const odd = { instances: [null], pageNumber: 1, pageSize: 10, totalCount: 1 };
    expect(() => toJson(odd)).not.toThrow();
    expect(text(toJson(odd))).toBe(full(schema)(odd));
  });

  it('every operation’s result is byte for byte what its serialiser writes', () => {
    for (const op of OPERATIONS) {
      const schema = resultSchema(op.spec);
      for (const awkward of AWKWARD) {
        const value = sample(schema, awkward);
        expect(text(resultJson(schema, lazyStringify(schema))(value)), op.name).toBe(full(schema)(value));
      }
    }
  });
});
