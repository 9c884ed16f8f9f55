import { compileExpression } from '../src/expr/expression-compiler.js';
const cases: Array<[string, Record<string, unknown>]> = [
  ['amount > 100 and country != home_country', { amount: 200, country: 'NL', home_country: 'BE' }],
  ['coalesce(price, 0) * 100', {}],
  ['has(price) ? price * 100 : 0', { price: 1.5 }],
  ['round(x, 2)', { x: 2.345 }],
  ['a.b.c + 1', { a: { b: { c: 1 } } }],
  ['a["b"]', { a: { b: 'x' } }],
  ['contains(["NL", "BE"], country)', { country: 'NL' }],
  ['x / 0', { x: 1 }],
  ['missing + 1', {}],
  ['"a" + 1', {}],
  ['1 < x <= 10', { x: 5 }],
];
for (const [src, f] of cases) {
  for (const engine of ['auto', 'mathjs'] as const) {
    try {
      const c = compileExpression(src, { engine });
      console.log(engine, src, '=>', JSON.stringify(c.evaluate(f as never)), c.engine, c.fields);
    } catch (e) { console.log(engine, src, 'ERR', (e as any).code, (e as Error).message); }
  }
}
const hostile = ['import({}, {override: true})', 'createUnit("x")', 'evaluate("1+1")', 'parse("1")', 'simplify("x")', 'derivative("x^2","x")', '[].constructor', 'a.constructor', 'a["__proto__"]', 'f(x) = x', 'x = 1', 'cos.constructor("return process")()', 'a.b()', '1 +', 'x # c', '2x', 'a.toString', 'end', 'sum(sum)', 'x; y', '{a: 1}', '1:3', 'a[1]', 'a[b]', 'a?.b', 'undefined', '50%', 'a & b', "x'", 'foo(1)', 'abs(1, 2)', 'has(1+2)'];
for (const src of hostile) {
  try { compileExpression(src); console.log('ACCEPTED!', src) } catch (e) { console.log((e as any).code, JSON.stringify((e as any).problems?.map((p: any) => `${p.column}: ${p.message}`))) }
}
