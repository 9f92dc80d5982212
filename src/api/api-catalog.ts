import fs from 'node:fs';
import { resourcePath } from '../resources.js';

/**
 * The machine-readable API reference (copied from shared/reference): the single source of every
 * operation's method, path, parameters and result fields. Wire schemas are derived from it.
 */
export interface FieldSpec {
  name: string;
  type: string;
  required?: boolean;
  enum?: string[];
  default?: string;
  range?: string;
  filterNames?: string[];
}

export interface OperationSpec {
  name: string;
  group: string;
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  path: string;
  summary: string;
  pathParams: string[];
  query: FieldSpec[];
  body: FieldSpec[];
  resultFields: FieldSpec[];
}

export interface ModelSpec {
  fields: FieldSpec[];
}

export interface ApiCatalog {
  operations: OperationSpec[];
  models: Record<string, ModelSpec>;
  enums: Record<string, string[]>;
}

export const API_CATALOG: ApiCatalog = JSON.parse(
  fs.readFileSync(resourcePath('api', 'edcps-api-catalog.json'), 'utf8'),
) as ApiCatalog;

export const OPERATION_SPECS: ReadonlyMap<string, OperationSpec> = new Map(
  API_CATALOG.operations.map((o) => [o.name, o]),
);
