// Which tables a dashboard's SQL reads: a small tokenizer finds the names after FROM and JOIN
// (comma joins too), skipping CTE names, table functions and FROM inside expressions such as
// EXTRACT(... FROM ...). The contract test checks these names against what jobs write.

type Token =
  | { readonly kind: 'word'; readonly text: string; readonly quoted: boolean }
  | { readonly kind: 'punct'; readonly text: string };

/**
 * Table names `sql` reads, lower-cased unless quoted, schema prefix dropped, in order of
 * first appearance, without duplicates. Best effort: it does not parse SQL, but it is exact for
 * SELECT … FROM t [JOIN u] [, v] with subqueries and CTEs.
 */
export function sqlTables(sql: string): string[] {
  const tokens = tokenize(sql);
  const ctes = new Set<string>();
  for (let i = 0; i + 2 < tokens.length; i++) {
    const [a, b, c] = [tokens[i], tokens[i + 1], tokens[i + 2]];
    const before = tokens[i - 1];
    if (
      a?.kind === 'word' &&
      isKeyword(b, 'as') &&
      c?.kind === 'punct' &&
      c.text === '(' &&
      (isKeyword(before, 'with') || isKeyword(before, 'recursive') || isPunct(before, ','))
    ) {
      ctes.add(identifier(a));
    }
  }

  const found: string[] = [];
  const add = (name: string): void => {
    if (!ctes.has(name) && !found.includes(name)) found.push(name);
  };
  // Each open parenthesis is a subquery (FROM inside reads tables) or an expression (it doesn't).
  const contexts: boolean[] = [];
  const inQuery = (): boolean => contexts.length === 0 || contexts[contexts.length - 1] === true;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === undefined) continue;
    if (isPunct(token, '(')) {
      const next = tokens[i + 1];
      contexts.push(
        isKeyword(next, 'select') ||
          isKeyword(next, 'with') ||
          isKeyword(next, 'from') ||
          isKeyword(next, 'values'),
      );
      continue;
    }
    if (isPunct(token, ')')) {
      contexts.pop();
      continue;
    }
    if (!inQuery() || !(isKeyword(token, 'from') || isKeyword(token, 'join'))) continue;
    let j = i + 1;
    for (;;) {
      const read = readTableName(tokens, j);
      if (read === undefined) break;
      add(read.name);
      j = read.next;
      if (!isKeyword(token, 'from')) break;
      // Skip an alias, then continue on a comma join.
      if (isKeyword(tokens[j], 'as')) j += 1;
      if (tokens[j]?.kind === 'word' && !CLAUSE_WORDS.has(wordText(tokens[j]))) j += 1;
      if (!isPunct(tokens[j], ',')) break;
      j += 1;
    }
  }
  return found;
}

/** Words that end a FROM item (so they are never taken for an alias). */
const CLAUSE_WORDS = new Set([
  'where',
  'group',
  'order',
  'limit',
  'having',
  'join',
  'left',
  'right',
  'inner',
  'outer',
  'full',
  'cross',
  'natural',
  'on',
  'using',
  'union',
  'except',
  'intersect',
  'window',
  'qualify',
  'select',
  'offset',
  'positional',
  'asof',
  'semi',
  'anti',
]);

function readTableName(
  tokens: readonly Token[],
  start: number,
): { name: string; next: number } | undefined {
  let i = start;
  if (isKeyword(tokens[i], 'lateral')) return undefined;
  const first = tokens[i];
  if (first?.kind !== 'word') return undefined;
  let name = identifier(first);
  i += 1;
  for (let part = tokens[i + 1]; isPunct(tokens[i], '.') && part?.kind === 'word';) {
    name = identifier(part);
    i += 2;
    part = tokens[i + 1];
  }
  // A name followed by '(' is a table function (unnest, range, read_csv), not a table.
  if (isPunct(tokens[i], '(')) return undefined;
  return { name, next: i };
}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (ch === "'") {
      i = skipQuoted(sql, i, "'");
      tokens.push({ kind: 'punct', text: "'" });
    } else if (ch === '"') {
      const end = skipQuoted(sql, i, '"');
      tokens.push({
        kind: 'word',
        text: sql.slice(i + 1, end - 1).replace(/""/g, '"'),
        quoted: true,
      });
      i = end;
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'word', text: match[0], quoted: false });
      i += match[0].length;
    } else {
      tokens.push({ kind: 'punct', text: ch });
      i += 1;
    }
  }
  return tokens;
}

/** Index just past the closing quote (a doubled quote is an escaped one). */
function skipQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i += 1;
    }
  }
  return sql.length;
}

function identifier(token: Token & { kind: 'word' }): string {
  return token.quoted ? token.text : token.text.toLowerCase();
}

function isKeyword(token: Token | undefined, word: string): boolean {
  return token?.kind === 'word' && !token.quoted && token.text.toLowerCase() === word;
}

function isPunct(token: Token | undefined, text: string): boolean {
  return token?.kind === 'punct' && token.text === text;
}

function wordText(token: Token | undefined): string {
  return token?.kind === 'word' ? token.text.toLowerCase() : '';
}
