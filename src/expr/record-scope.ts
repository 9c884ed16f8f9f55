// The scope the mathjs evaluator reads a record's fields through. It claims every field name
// the expression uses, so a name never falls through to the mathjs namespace (a field called
// `sum` is the field, never the function), and a missing field fails the record.

import type { JsonObject } from '../core/record.js';
import { fieldMissingError } from './expression-error.js';

/** A read-only, Map-like view of one record for mathjs (`has`, `get`, `set`, `keys`). */
export class RecordScope {
  constructor(
    private readonly fields: JsonObject,
    private readonly names: ReadonlySet<string>,
  ) {}

  has(name: string): boolean {
    return this.names.has(name);
  }

  get(name: string): unknown {
    if (!Object.hasOwn(this.fields, name)) throw fieldMissingError(name);
    return this.fields[name];
  }

  set(name: string): never {
    // Assignments are refused when the expression compiles; this is the second lock.
    throw new Error(`cannot assign to "${name}"`);
  }

  keys(): IterableIterator<string> {
    return this.names.keys();
  }
}
