import { loadJobFiles } from '../src/jobs/job-loader.js';
import { formatJobProblem } from '../src/jobs/job-problem.js';
const r = await loadJobFiles([process.argv[2] ?? 'test/jobs/invalid']);
for (const p of r.problems) console.log(formatJobProblem(p));
console.log('valid:', r.jobs.map((j) => j.file));
