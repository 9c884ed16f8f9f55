import { validateCommand } from '../src/cli/validate-command.js';
import { describeCommand } from '../src/cli/describe-command.js';
console.log('exit', await validateCommand([]));
console.log('exit', await describeCommand(['activity-enrich']));
console.log('exit', await describeCommand(['nope']));
