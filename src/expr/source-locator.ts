// Finds where parts of an expression are in its source text. mathjs parse trees carry no
// positions, so the checker asks this scanner where the n-th `foo` or the n-th string literal
// is, to point error messages at the right column.

const IDENTIFIER_START = /[\p{L}_$]/u;
const IDENTIFIER_PART = /[\p{L}\p{N}_$]/u;

interface Token {
  readonly offset: number;
  readonly text: string;
}

/** Identifier and string-literal positions of one expression, scanned once. */
export class SourceLocator {
  private readonly identifiers = new Map<string, number[]>();
  private readonly strings: number[] = [];
  private readonly numbers: number[] = [];
  private readonly brackets = new Map<string, number[]>();
  private readonly usedIdentifiers = new Map<string, number>();
  private readonly used = new Map<unknown, number>();
  /** Offset of a `#` comment outside string literals, or -1. */
  readonly commentOffset: number;

  constructor(readonly source: string) {
    let comment = -1;
    for (const token of scan(source)) {
      if (token.text === '#') {
        comment = token.offset;
        break;
      }
      const c = token.text.charAt(0);
      if (c === '"' || c === "'") {
        this.strings.push(token.offset);
      } else if (c === '[' || c === '{') {
        const list = this.brackets.get(c);
        if (list === undefined) this.brackets.set(c, [token.offset]);
        else list.push(token.offset);
      } else if (isDigit(c) || c === '.') {
        this.numbers.push(token.offset);
      } else {
        const list = this.identifiers.get(token.text);
        if (list === undefined) this.identifiers.set(token.text, [token.offset]);
        else list.push(token.offset);
      }
    }
    this.commentOffset = comment;
  }

  /** Offset of the next not yet claimed occurrence of identifier `name` (in source order). */
  nextIdentifier(name: string): number {
    const list = this.identifiers.get(name);
    const used = this.usedIdentifiers.get(name) ?? 0;
    this.usedIdentifiers.set(name, used + 1);
    const offset = list?.[used] ?? list?.[0];
    if (offset !== undefined) return offset;
    const found = this.source.indexOf(name);
    return found < 0 ? 0 : found;
  }

  /** Offset of the next not yet claimed string literal (its opening quote). */
  nextString(): number {
    return this.next(this.strings);
  }

  /** Offset of the next not yet claimed number literal. */
  nextNumber(): number {
    return this.next(this.numbers);
  }

  /** Offset of the next not yet claimed `[` (array, index) or `{` (object). */
  nextBracket(bracket: '[' | '{'): number {
    return this.next(this.brackets.get(bracket) ?? []);
  }

  private next(list: readonly number[]): number {
    const used = this.used.get(list) ?? 0;
    this.used.set(list, used + 1);
    return list[used] ?? list[0] ?? 0;
  }
}

/** Identifiers, string and number literals, `[`, `{` and `#`; operators are skipped. */
function* scan(source: string): Generator<Token> {
  let i = 0;
  while (i < source.length) {
    const c = source.charAt(i);
    if (c === '"' || c === "'") {
      const start = i;
      i++;
      while (i < source.length && source.charAt(i) !== c) i += source.charAt(i) === '\\' ? 2 : 1;
      i++;
      yield { offset: start, text: source.slice(start, Math.min(i, source.length)) };
    } else if (c === '#') {
      yield { offset: i, text: '#' };
      return;
    } else if (c === '[' || c === '{') {
      yield { offset: i, text: c };
      i++;
    } else if (isDigit(c) || (c === '.' && isDigit(source.charAt(i + 1)))) {
      // A number such as 1e-5, 0x1F or 2.5: its letters are not identifiers.
      const start = i;
      i++;
      while (i < source.length) {
        const d = source.charAt(i);
        const prev = source.charAt(i - 1);
        if (/[0-9A-Za-z_.]/.test(d)) i++;
        else if ((d === '+' || d === '-') && (prev === 'e' || prev === 'E')) i++;
        else break;
      }
      yield { offset: start, text: source.slice(start, i) };
    } else if (IDENTIFIER_START.test(c)) {
      const start = i;
      i++;
      while (i < source.length && IDENTIFIER_PART.test(source.charAt(i))) i++;
      yield { offset: start, text: source.slice(start, i) };
    } else {
      i++;
    }
  }
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
