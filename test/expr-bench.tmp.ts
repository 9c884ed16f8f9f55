import { compileExpression } from '../src/expr/expression-compiler.js';
import { create, all } from 'mathjs';
const src = 'amount > 100 and country != home_country';
const records = Array.from({ length: 1000 }, (_, i) => ({ amount: (i * 37) % 300, country: i % 3 ? 'NL' : 'BE', home_country: 'NL', user: 'u' + i }));
function bench(name: string, fn: (r: any) => unknown) {
  for (let i = 0; i < 200_000; i++) fn(records[i % 1000]);
  const n = 2_000_000; const t0 = performance.now(); let c = 0;
  for (let i = 0; i < n; i++) if (fn(records[i % 1000]) === true) c++;
  const dt = (performance.now() - t0) / 1000; console.log(name, Math.round(n / dt).toLocaleString(), 'evals/s', c);
}
const nat = compileExpression(src); bench('native', (r) => nat.evaluate(r));
const mj = compileExpression(src, { engine: 'mathjs' }); bench('mathjs-locked (RecordScope)', (r) => mj.evaluate(r));
const math = create(all!); const raw = math.compile('amount > 100 and country != home_country'.replace('!=', '!=')); 
bench('raw mathjs compiled (numbers only: amount>100 and amount<250)', ((c) => (r: any) => c.evaluate(r))(math.compile('amount > 100 and amount < 250')));
bench('plain JS', (r) => r.amount > 100 && r.country !== r.home_country);
