/**
 * The published JSON Schema (what editors use through the modeline) is the one the loader uses: it is
 * generated from src/contract/schema.ts, and this test fails when the committed file is stale
 * (`npm run schema` rewrites it). Every spec names that schema in its first line.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { SCHEMA_FILE, schemaText } from '../../scripts/write-schema.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

const specsDir = fileURLToPath(new URL('../../specs/', import.meta.url));
const specFiles = readdirSync(specsDir).filter((f) => f.endsWith('.yaml')).sort();
const MODELINE = '# yaml-language-server: $schema=../schema/authconform-spec.schema.json';

describe('published spec schema', () => {
  test('schema/authconform-spec.schema.json is what scripts/write-schema.ts generates (run `npm run schema`)', () => {
    assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), schemaText());
  });

  test('there are the five seed specs and the specs of the three third-party servers', () => {
    assert.deepEqual(specFiles, [
      'basic-key-token.yaml',
      'better-auth.yaml',
      'identity-credentials.yaml',
      'oauth2-mock-server.yaml',
      'oauth2.yaml',
      'private-tokens.yaml',
      'vidizmo.yaml',
      'waldo.yaml',
    ]);
  });

  for (const f of specFiles) {
    test(`${f} starts with the modeline naming the published schema`, () => {
      const first = readFileSync(join(specsDir, f), 'utf8').split('\n')[0];
      assert.equal(first, MODELINE);
      const target = resolve(dirname(join(specsDir, f)), MODELINE.split('$schema=')[1] as string);
      assert.equal(target, fileURLToPath(SCHEMA_FILE));
      assert.ok(existsSync(target));
    });
  }

  test('an editor validating with the published file accepts every seed spec', () => {
    const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
    for (const f of specFiles) {
      const ok = validate(parse(readFileSync(join(specsDir, f), 'utf8'), { merge: true }));
      assert.ok(ok, `${f}: ${ajv.errorsText(validate.errors)}`);
    }
  });
});
