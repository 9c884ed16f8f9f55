import { parseJobText } from '../src/jobs/job-loader.js';
import { formatJobProblem } from '../src/jobs/job-problem.js';
const text = `name: Bad_Name
source:
  topics: [user-activity]
  timestampField: ts
  colour: blue
nodes:
  - kind: filter
    name: only-big
    where: amount > 100 and evaluate("1")
  - kind: derive
    name: only-big
    fields:
      x: "a.constructor"
      __proto__: 1 + 2
      y: >-
        a +
        foo(b)
  - kind: window
    name: w
    window: { type: hopping, size: 1m, advance: 5m, grace: 5 minutes }
    aggregations:
      total: { fn: sum }
      n: { fn: count }
  - kind: key-by
    key: user_id
  - name: x
    topic: y
`;
const r = parseJobText(text, 'jobs/bad.yaml');
for (const p of r.problems) console.log(formatJobProblem(p));
console.log(parseJobText('name: x\n  source: [', 'a.yaml').problems.map(formatJobProblem));
console.log(parseJobText('', 'a.yaml').problems.map(formatJobProblem));
