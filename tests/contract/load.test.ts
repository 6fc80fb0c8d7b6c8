/**
 * The five seed specs load clean, and what downstream code reads (the resolved `Contract`) has every
 * default applied: the Authorization header, the `token` part, the `{token}` value, no companions, and
 * error conditions that fall back to the ones a spec declares.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SpecError, SpecErrors, formatProblem } from '../../src/contract/errors.js';
import { loadContract, loadContractFile, parseContract } from '../../src/contract/load.js';
import { errorFor, issuedParts, secretNames, type Contract } from '../../src/contract/model.js';
import { formatTwoKeys } from '../../src/contract/rules.js';
import type { ContractSpec } from '../../src/contract/schema.js';
import { isMap, isScalar, parse, parseDocument, visit } from 'yaml';

const spec = (id: string): string => fileURLToPath(new URL(`../../specs/${id}.yaml`, import.meta.url));
const IDS = ['basic-key-token', 'identity-credentials', 'private-tokens', 'vidizmo', 'waldo'] as const;
const contracts = Object.fromEntries(IDS.map((id) => [id, loadContract(spec(id))])) as Record<(typeof IDS)[number], Contract>;

describe('seed specs', () => {
  for (const id of IDS) {
    test(`${id} loads clean with its id and file`, () => {
      const { contract, problems } = loadContractFile(spec(id));
      assert.deepEqual(problems, []);
      assert.equal(contract?.id, id);
      assert.equal(contract?.file, spec(id));
      // Format 2 where the spec uses one of its keys (lint refuses a format-2 key in a format 1 spec).
      const written = parse(readFileSync(spec(id), 'utf8')) as ContractSpec;
      assert.equal(contract?.authconform, formatTwoKeys(written).length > 0 ? 2 : 1);
    });
  }

  test('every seed presents in Authorization and names the token part "token"', () => {
    for (const id of IDS) {
      assert.equal(contracts[id].present.name, 'Authorization', id);
      assert.equal(contracts[id].token.part, 'token', id);
    }
  });

  test('the presented value defaults to {token}; basic-key-token keeps its {key}:{token}', () => {
    assert.equal(contracts.waldo.present.value, '{token}');
    assert.equal(contracts.vidizmo.present.value, '{token}');
    assert.equal(contracts['identity-credentials'].present.value, '{token}');
    assert.equal(contracts['basic-key-token'].present.value, '{key}:{token}');
    assert.equal(contracts['basic-key-token'].present.scheme, 'Basic');
    assert.equal(contracts['identity-credentials'].present.scheme, 'none');
  });

  test('companions default to none; identity-credentials has identityId (header or query) and x-api-key', () => {
    assert.deepEqual(contracts.waldo.present.companions, []);
    const c = contracts['identity-credentials'].present.companions;
    assert.deepEqual(
      c.map((x) => [x.name, x.value, x.in]),
      [
        ['identityId', '{identityId}', ['header', 'query']],
        ['x-api-key', '{apiKey}', ['header']],
      ],
    );
  });

  test('the documented details survive loading', () => {
    assert.equal(contracts.waldo.rolling?.header, 'Authorization');
    assert.equal(contracts.waldo.lifetime?.ttl?.seconds, 3600);
    assert.equal(contracts.waldo.token.format, 'jwt');
    assert.deepEqual(contracts['private-tokens'].tokens?.create.expiry, {
      mode: 'chosen',
      var: 'expiresAt',
      format: 'iso8601',
      required: true,
      source: contracts['private-tokens'].tokens?.create.expiry.source,
    });
    assert.equal(contracts.vidizmo.lifetime?.idle?.seconds, 1200);
    assert.equal(contracts.vidizmo.acquire.response.parts?.token?.pointer, '');
    assert.equal(contracts.vidizmo.refresh?.expired, 'allowed');
    assert.equal(contracts['basic-key-token'].refresh?.rotation, true);
    assert.equal(contracts['basic-key-token'].logout?.request.method, 'DELETE');
  });

  test('error conditions a spec leaves out fall back (errorFor)', () => {
    const waldoTampered = errorFor(contracts.waldo, 'tampered');
    assert.equal(waldoTampered.condition, 'tampered');
    assert.equal(waldoTampered.declaredAs, 'invalid');
    assert.equal(waldoTampered.status, 401);
    assert.equal(errorFor(contracts.waldo, 'expired').declaredAs, 'expired');
    assert.equal(errorFor(contracts.waldo, 'companionMissing').declaredAs, 'missing');
    assert.equal(errorFor(contracts['identity-credentials'], 'companionMissing').declaredAs, 'companionMissing');
    assert.equal(errorFor(contracts['identity-credentials'], 'companionMissing').status, 403);
    assert.equal(errorFor(contracts.vidizmo, 'loggedOut').declaredAs, 'loggedOut');
    assert.equal(errorFor(contracts.vidizmo, 'revoked').declaredAs, 'invalid');
    assert.equal(errorFor(contracts.waldo, 'loggedOut').declaredAs, errorFor(contracts.waldo, 'revoked').declaredAs);
    assert.equal(errorFor(contracts.vidizmo, 'refreshInvalid').declaredAs, 'invalid');
    assert.equal(errorFor(contracts['basic-key-token'], 'refreshInvalid').declaredAs, 'refreshInvalid');
    assert.equal(errorFor(contracts['basic-key-token'], 'wrongScheme').declaredAs, 'invalid');
  });

  test('merge keys resolve: vidizmo expired errors keep the shared required fields', () => {
    const schema = errorFor(contracts.vidizmo, 'expired').schema as { required?: string[]; properties?: { name?: { const?: string } } };
    assert.deepEqual(schema.required, ['name', 'incidentId', 'exceptionDetails']);
    assert.equal(schema.properties?.name?.const, 'ExpiredAccessTokenException');
  });

  test('secrets: passwords, keys and issued tokens are secret; ids and non-secret credentials are not', () => {
    const ic = secretNames(contracts['identity-credentials']);
    for (const name of ['password', 'apiKey', 'token', 'refreshToken']) assert.ok(ic.has(name), name);
    for (const name of ['userName', 'identityId']) assert.ok(!ic.has(name), name);
    const pt = issuedParts(contracts['private-tokens']);
    assert.deepEqual([...pt.keys()].sort(), ['expiresAt', 'id', 'token']);
  });

  test('a contract cites its rules by position (at)', () => {
    const text = readFileSync(spec('waldo'), 'utf8').split('\n');
    const pos = contracts.waldo.at('/lifetime/ttl/seconds');
    assert.ok(pos);
    assert.equal(text[pos.line - 1]?.slice(pos.col - 1), '3600');
    assert.equal(contracts.waldo.at('/no/such/key')?.line, contracts.waldo.at('')?.line);
  });
});

describe('spec problems as values', () => {
  test('a missing file is one problem at 1:1, not an exception', () => {
    const { contract, problems } = loadContractFile('no/such/spec.yaml');
    assert.equal(contract, undefined);
    assert.equal(problems.length, 1);
    assert.equal(formatProblem(problems[0] as SpecError), 'no/such/spec.yaml:1:1: Cannot read the spec: no such file.');
  });

  test('loadContract throws SpecErrors carrying every problem, each a SpecError', () => {
    const text = readFileSync(spec('waldo'), 'utf8').replace('id: waldo', 'id: Waldo').replace('format: jwt', 'format: jws');
    const { problems } = parseContract(text, 'waldo-broken.yaml');
    assert.equal(problems.length, 2);
    assert.throws(
      () => loadContract('no/such/spec.yaml'),
      (e: unknown) => e instanceof SpecErrors && e.problems.length === 1 && e.problems[0] instanceof SpecError && e.message.startsWith('no/such/spec.yaml:1:1:'),
    );
  });

  test('problems come back in file order and print as file:line:col: message', () => {
    const text = readFileSync(spec('waldo'), 'utf8').replace('format: jwt', 'format: jws').replace('id: waldo', 'id: Waldo');
    const lines = text.split('\n');
    const idLine = lines.indexOf('id: Waldo') + 1;
    const formatLine = lines.indexOf('  format: jws') + 1;
    const { problems } = parseContract(text, 'specs/x.yaml');
    assert.deepEqual(
      problems.map((p) => [p.line, p.col, p.pointer]),
      [
        [idLine, 5, '/id'],
        [formatLine, 11, '/token/format'],
      ],
    );
    assert.ok(idLine < formatLine);
    assert.match(String(problems[0]), new RegExp(`^specs/x\\.yaml:${idLine}:5: 'id' must match`));
  });
});

describe('did you mean', () => {
  // Every key the format names, as the seed specs use it, misspelt the two commonest ways.
  const seen = new Set<string>();
  const typos: { id: string; key: string; typo: string; text: string }[] = [];
  for (const id of [...IDS, 'oauth2']) {
    const text = readFileSync(spec(id), 'utf8');
    visit(parseDocument(text), {
      Pair(_, pair, path) {
        const parent = path.filter((n) => isScalar((n as { key?: unknown }).key)).map((n) => String(((n as { key: { value: unknown } }).key).value));
        // Names the author chooses (credentials, parts, headers, bodies, schemas) are not the format's keys.
        if (parent.some((k) => ['credentials', 'parts', 'headers', 'query', 'body', 'schema', 'set'].includes(k))) return;
        if (!isScalar(pair.key) || typeof pair.key.value !== 'string' || pair.key.value.length < 2 || !pair.key.range) return;
        const key = pair.key.value;
        if (seen.has(`${parent.at(-1)}/${key}`)) return;
        seen.add(`${parent.at(-1)}/${key}`);
        const at = pair.key.range[0];
        const map = path.at(-1);
        // A misspelling that is a sibling's name ('tokens' → 'token') is a duplicate key instead.
        const siblings = new Set(isMap(map) ? map.items.map((p) => String((p.key as { value?: unknown } | null)?.value)) : []);
        for (const typo of [key.slice(0, -1), `${key[1]}${key[0]}${key.slice(2)}`]) {
          if (typo !== key && !siblings.has(typo)) typos.push({ id, key, typo, text: text.slice(0, at) + typo + text.slice(at + key.length) });
        }
      },
    });
  }

  test('every key of the format, misspelt, is named in a "Did you mean" (a swap of letters wins a tie)', () => {
    assert.ok(typos.length > 100, `only ${typos.length} misspellings`);
    const missed = typos.filter(({ id, key, text }) => {
      const { problems } = parseContract(text, `${id}.yaml`);
      return !problems.some((p) => p.message.includes(`Did you mean '${key}'?`));
    });
    assert.deepEqual(missed.map(({ id, key, typo }) => `${id}: ${typo} for ${key}`), []);
  });
});
