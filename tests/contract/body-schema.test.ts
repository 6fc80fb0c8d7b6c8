/**
 * Body schemas are JSON Schema draft 2020-12, as the format documents, on all three sides of a contract:
 * the loader reads a tuple (`prefixItems`) as such, the checks judge a body by it, and the mock's sample
 * body matches it. (What strict mode refuses is in the malformed corpus.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { schemaDifferences } from '../../src/checks/expect.js';
import { parseContract } from '../../src/contract/load.js';
import { sample } from '../../src/mock/sample.js';

const waldo = readFileSync(fileURLToPath(new URL('../../specs/waldo.yaml', import.meta.url)), 'utf8');

/** `["Bearer", <seconds>]`: a tuple, with its length stated as strict mode asks. */
const tuple = {
  type: 'array',
  prefixItems: [{ const: 'Bearer' }, { type: 'integer', minimum: 1 }],
  minItems: 2,
  items: false,
};

describe('draft 2020-12 body schemas', () => {
  test('the checks judge a body by prefixItems, which draft-07 would ignore', () => {
    assert.deepEqual(schemaDifferences(tuple, ['Bearer', 3600]), []);
    assert.notDeepEqual(schemaDifferences(tuple, [3600, 'Bearer']), []);
    assert.notDeepEqual(schemaDifferences(tuple, ['Bearer', 3600, 'extra']), []);
  });

  test("a spec with a tuple body loads, and the mock's sample body matches the tuple", () => {
    const text = waldo.replace('  response:\n    status: 200\n  source:', `  response:\n    status: 200\n    schema: ${JSON.stringify(tuple)}\n  source:`);
    assert.notEqual(text, waldo);
    const { contract, problems } = parseContract(text, 'waldo-tuple.yaml');
    assert.deepEqual(problems.map(String), []);
    const schema = contract?.probe.response.schema ?? {};
    assert.deepEqual(schema, tuple);
    const body = sample(schema, Date.now());
    assert.deepEqual(schemaDifferences(schema, body), [], JSON.stringify(body));
  });
});
