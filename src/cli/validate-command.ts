// `sluice validate [files|dirs]`: loads job files, reports every problem as
// file:line:col: path: message, and builds each valid job's topology as `run` would.

import { toSluiceError } from '../core/errors.js';
import { loadJobFiles } from '../jobs/job-loader.js';
import { formatJobProblem } from '../jobs/job-problem.js';
import { buildTopology } from '../jobs/topology-builder.js';

/** Where a command writes; tests pass their own. */
export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
}

export const consoleOutput: CommandOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

const USAGE = `Usage: sluice validate [files or directories...]

Checks job files (*.yaml, *.yml) without connecting to Kafka: YAML syntax, the job schema
(jobs/job.schema.json), names, durations, window parameters and every expression.
Prints "ok <file> (<job>)" per valid job and "file:line:col: path: message" per problem.
Default: jobs/. Exit code 0 if every job is valid, 1 otherwise, 2 on a usage error.`;

/** Runs `sluice validate`; resolves to the process exit code. */
export async function validateCommand(
  args: readonly string[],
  output: CommandOutput = consoleOutput,
): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    output.out(USAGE);
    return 0;
  }
  const unknown = args.find((a) => a.startsWith('-'));
  if (unknown !== undefined) {
    output.err(`sluice validate: unknown option ${unknown}\n\n${USAGE}`);
    return 2;
  }
  const paths = args.length === 0 ? ['jobs'] : [...args];
  const { jobs, problems } = await loadJobFiles(paths);
  for (const problem of problems) output.err(formatJobProblem(problem));
  let failed = problems.length;
  for (const { file, spec } of jobs) {
    try {
      buildTopology(spec);
      output.out(`ok ${file} (${spec.name})`);
    } catch (err) {
      failed++;
      output.err(`${file}: ${toSluiceError(err).message}`);
    }
  }
  if (failed > 0) {
    output.err(`${failed} problem${failed === 1 ? '' : 's'} found`);
    return 1;
  }
  return 0;
}
