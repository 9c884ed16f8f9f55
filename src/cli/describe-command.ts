// `sluice describe <job name or file>`: prints a job's topology (sub-topologies, nodes,
// stores, topics), like Kafka Streams' TopologyDescription.

import { toSluiceError } from '../core/errors.js';
import { describeTopology } from '../jobs/describe-topology.js';
import { findJob } from '../jobs/job-loader.js';
import { formatJobProblem } from '../jobs/job-problem.js';
import { buildTopology } from '../jobs/topology-builder.js';
import { consoleOutput, type CommandOutput } from './validate-command.js';

const USAGE = `Usage: sluice describe <job name or file> [--jobs-dir <dir>]

Prints the topology of a job: its sub-topologies (split at each key-by by a repartition
topic), the source topics, each node with its kind, the state stores and the topics it writes.
A name is looked up among the job files in --jobs-dir (default jobs/).`;

/** Runs `sluice describe`; resolves to the process exit code. */
export async function describeCommand(
  args: readonly string[],
  output: CommandOutput = consoleOutput,
): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    output.out(USAGE);
    return 0;
  }
  let jobsDir = 'jobs';
  const targets: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--jobs-dir') {
      const dir = args[++i];
      if (dir === undefined) {
        output.err(`sluice describe: --jobs-dir needs a directory\n\n${USAGE}`);
        return 2;
      }
      jobsDir = dir;
    } else if (arg.startsWith('-')) {
      output.err(`sluice describe: unknown option ${arg}\n\n${USAGE}`);
      return 2;
    } else {
      targets.push(arg);
    }
  }
  const [target] = targets;
  if (target === undefined || targets.length > 1) {
    output.err(`sluice describe: name one job\n\n${USAGE}`);
    return 2;
  }
  const { job, problems } = await findJob(target, jobsDir);
  for (const problem of problems) output.err(formatJobProblem(problem));
  if (job === undefined) return 1;
  try {
    output.out(describeTopology(buildTopology(job.spec)));
  } catch (err) {
    output.err(`${job.file}: ${toSluiceError(err).message}`);
    return 1;
  }
  return 0;
}
