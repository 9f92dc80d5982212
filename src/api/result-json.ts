import fastJson from 'fast-json-stringify';
import type { JsonSchema } from './wire-schemas.js';

type Stringify = (data: unknown) => string;

/** fast-json-stringify's serialiser of `schema`, compiled when first used. */
export function lazyStringify(schema: JsonSchema): Stringify {
  let stringify: Stringify | undefined;
  return (data) => (stringify ??= fastJson(schema as unknown as Parameters<typeof fastJson>[0]))(data);
}

/**
 * Where a result holds model objects: its one property that is an object (then the only
 * property) or an array of objects (beside scalars only). Undefined for any other shape.
 */
interface Models {
  field: string;
  kind: 'object' | 'array';
  schema: JsonSchema;
}

const SCALARS = new Set(['string', 'integer', 'number', 'boolean']);

function modelsOf(result: JsonSchema): Models | undefined {
  const properties = (result.properties ?? {}) as Record<string, JsonSchema>;
  const names = Object.keys(properties);
  const nested = names.filter((n) => !SCALARS.has(properties[n].type as string));
  if (nested.length !== 1) return undefined;
  const field = nested[0];
  const s = properties[field];
  if (s.type === 'object' && names.length === 1) return { field, kind: 'object', schema: s };
  const items = s.items as JsonSchema | undefined;
  if (s.type === 'array' && items?.type === 'object') return { field, kind: 'array', schema: items };
  return undefined;
}

/** Per model schema (by its text), the serialiser and the JSON of each object already serialised. */
const modelJson = new Map<string, { stringify: Stringify; of: WeakMap<object, Buffer> }>();

function modelSerializer(schema: JsonSchema) {
  const text = JSON.stringify(schema);
  let m = modelJson.get(text);
  if (m === undefined) {
    m = { stringify: lazyStringify(schema), of: new WeakMap() };
    modelJson.set(text, m);
  }
  const { stringify, of } = m;
  return (model: object): Buffer => {
    let json = of.get(model);
    if (json === undefined) {
      // A buffer of its own: a small Buffer.from shares an 8 KiB slab, which one kept model
      // would hold in memory whole.
      const text = stringify(model);
      json = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
      json.write(text);
      of.set(model, json);
    }
    return json;
  };
}

const COMMA = Buffer.from(',');
const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;

/**
 * The JSON of a result, as UTF-8 bytes in parts (to be concatenated), exactly as `stringify`
 * (the result schema's serialiser) writes it. Model objects answered from memory (an instance's
 * wire model, shared by describeInstance and by every page it is on) are the same objects from
 * answer to answer: their JSON is kept with each object, so a page rebuilt because one instance
 * on it changed serialises that one instance, not twenty, and the parts of a kept answer are
 * mostly references to JSON kept already. Results are never modified once returned (the
 * router's rule), and neither are the models they hold.
 */
export function resultJson(result: JsonSchema, stringify: Stringify): (value: unknown) => Buffer[] {
  const whole = (value: unknown) => [Buffer.from(stringify(value))];
  const models = modelsOf(result);
  if (models === undefined) return whole;
  const model = modelSerializer(models.schema);
  const { field, kind } = models;
  if (kind === 'object') {
    const head = Buffer.from(`{${JSON.stringify(field)}:`);
    const tail = Buffer.from('}');
    return (value) => {
      const m = (value as Record<string, unknown>)[field];
      return isObject(m) ? [head, model(m), tail] : whole(value);
    };
  }
  // The result with an empty list, then the models' JSON put into it: `"field":[]` occurs once,
  // since inside a JSON string every `"` is escaped.
  const empty = `${JSON.stringify(field)}:[]`;
  return (value) => {
    const list = (value as Record<string, unknown>)[field];
    if (!Array.isArray(list) || !list.every(isObject)) return whole(value);
    const outer = stringify({ ...(value as object), [field]: [] });
    const at = outer.indexOf(empty) + empty.length - 1;
    const parts: Buffer[] = [Buffer.from(outer.slice(0, at))];
    list.forEach((m, i) => {
      if (i > 0) parts.push(COMMA);
      parts.push(model(m));
    });
    parts.push(Buffer.from(outer.slice(at)));
    return parts;
  };
}
