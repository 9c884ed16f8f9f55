// The derive node: adds or replaces fields computed by expressions, in the order the job file
// lists them (a later field sees the earlier ones). A failing expression dead-letters the record.

import type { Processor, ProcessorContext } from '../core/processor.js';
import type { JsonObject, StreamRecord } from '../core/record.js';
import type { CompiledExpression } from '../expr/expression-compiler.js';
import { recordFailure } from './record-failure.js';

export interface DerivedField {
  /** Field to set; the job loader refuses `__proto__`, `constructor` and other unsafe names. */
  readonly name: string;
  readonly expression: CompiledExpression;
}

export class DeriveProcessor implements Processor {
  constructor(private readonly fields: readonly DerivedField[]) {}

  process(record: StreamRecord, ctx: ProcessorContext): void {
    // A copy, so a failure halfway leaves the input as it was and no earlier node holding the
    // input value sees it change.
    const value: JsonObject = { ...record.value };
    for (const field of this.fields) {
      try {
        value[field.name] = field.expression.evaluate(value);
      } catch (err) {
        const failure = recordFailure(err, ctx.node);
        ctx.deadLetter(record, failure);
        return;
      }
    }
    ctx.forward({ ...record, value });
  }
}
