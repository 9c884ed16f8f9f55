// The filter node: keeps records whose `where` expression is true, drops those where it is
// false, and dead-letters records it cannot decide (missing field, non-boolean result).

import { SluiceError } from '../core/errors.js';
import type { Processor, ProcessorContext } from '../core/processor.js';
import type { JsonValue, StreamRecord } from '../core/record.js';
import type { CompiledExpression } from '../expr/expression-compiler.js';
import { recordFailure } from './record-failure.js';

export class FilterProcessor implements Processor {
  /** `where` must evaluate to a boolean; anything else dead-letters the record (FIELD_TYPE). */
  constructor(private readonly where: CompiledExpression) {}

  process(record: StreamRecord, ctx: ProcessorContext): void {
    let keep: JsonValue;
    try {
      keep = this.where.evaluate(record.value);
    } catch (err) {
      ctx.deadLetter(record, recordFailure(err, ctx.node));
      return;
    }
    if (keep === true) {
      ctx.forward(record);
    } else if (keep !== false) {
      ctx.deadLetter(
        record,
        new SluiceError(
          'FIELD_TYPE',
          `filter \`${this.where.source}\` gave ${JSON.stringify(keep)}, not true or false`,
          { context: { node: ctx.node } },
        ),
      );
    }
  }
}
