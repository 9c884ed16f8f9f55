// The registry, the JSON Schema and jobs/README.md must agree on the node kinds, and the
// README must document every expression function.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXPRESSION_FUNCTIONS } from '../../src/expr/expression-functions.js';
import { jobSchemaKinds } from '../../src/jobs/job-schema.js';
import { registeredKinds } from '../../src/jobs/registry.js';

const readme = readFileSync('jobs/README.md', 'utf8');

describe('node kinds', () => {
  it('the schema allows exactly the registered kinds', () => {
    expect([...jobSchemaKinds()].sort()).toEqual([...registeredKinds()].sort());
  });

  for (const kind of registeredKinds()) {
    it(`${kind} has a section and an example in jobs/README.md`, () => {
      expect(readme).toContain(`### \`${kind}\``);
      expect(readme).toContain(`- kind: ${kind}`);
    });
  }

  it('every expression function is in the README table', () => {
    for (const name of Object.keys(EXPRESSION_FUNCTIONS)) {
      expect(readme, name).toMatch(new RegExp(`\\\`${name}\\(`));
    }
  });
});
