import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import type { Check } from '../../src/checks/check.js';
import type { Target } from '../../src/checks/context.js';
import { loadContract } from '../../src/contract/load.js';
import { allureMetadata } from '../../src/report/allure-metadata.js';
import { rfcLinks } from '../../src/report/clause-links.js';

const spec = (id: string) => loadContract(fileURLToPath(new URL(`../../specs/${id}.yaml`, import.meta.url)));

function check(level: 'MUST' | 'SHOULD', source: string): Check {
  return {
    id: 'refresh.rolling-success-only',
    family: 'refresh',
    level,
    summary: 'a refused request hands back no rolling token',
    source: () => source,
    applies: () => true,
    run: () => Promise.reject(new Error('not run here')),
  };
}

const mock: Target = { kind: 'mock', baseUrl: 'http://127.0.0.1:40123', credentials: {}, clock: true, maxWait: 0, timeoutMs: 1000 };
const live: Target = { ...mock, kind: 'live', baseUrl: 'https://staging.example.com' };

const label = (m: ReturnType<typeof allureMetadata>, name: string) => m.labels.filter((l) => l.name === name).map((l) => l.value);

describe('allureMetadata', () => {
  it('labels a check with its provider, family, id and severity', () => {
    const must = allureMetadata(check('MUST', 'a sentence'), spec('basic-key-token'), mock);
    assert.deepEqual(label(must, 'epic'), ['Basic key-token API (basic-key-token)']);
    assert.deepEqual(label(must, 'feature'), ['refresh']);
    assert.deepEqual(label(must, 'story'), ['refresh.rolling-success-only']);
    assert.deepEqual(label(must, 'severity'), ['critical']);
    assert.deepEqual(label(allureMetadata(check('SHOULD', 'a sentence'), spec('waldo'), mock), 'severity'), ['normal']);
    assert.deepEqual(label(allureMetadata(check('MUST', 'a sentence'), spec('vidizmo'), mock), 'epic'), ['VIDIZMO']);
  });

  it('links the provider document when the spec gives its URL, and every RFC clause the rule cites', () => {
    const waldo = allureMetadata(check('MUST', 'RFC 6750 §3.1: an expired token is answered 401 invalid_token'), spec('waldo'), mock);
    assert.deepEqual(waldo.links, [
      { url: 'https://api.waldo.ai/authenticate', name: 'Waldo — authentication process and token refresh' },
      { url: 'https://www.rfc-editor.org/rfc/rfc6750#section-3.1', name: 'RFC 6750 §3.1' },
    ]);
  });

  it('quotes the clause in the description, naming the document it comes from when there is no URL', () => {
    const sentence = 'The token expires after 20 minutes of inactivity.';
    const m = allureMetadata(check('MUST', sentence), spec('vidizmo'), mock);
    assert.deepEqual(m.links, []);
    assert.match(m.description, new RegExp(`quoted from “VIDIZMO — obtaining an authentication token with the REST API”:\\n\\n> ${sentence}`));
    assert.match(m.description, /Spec: `.*specs\/vidizmo\.yaml`/);
  });

  it('records the target kind and base URL; a mock port stays out of the history key', () => {
    assert.deepEqual(allureMetadata(check('MUST', 's'), spec('waldo'), mock).parameters, [
      { name: 'target', value: 'mock' },
      { name: 'base URL', value: 'http://127.0.0.1:40123', excluded: true },
    ]);
    assert.deepEqual(allureMetadata(check('MUST', 's'), spec('waldo'), live).parameters, [
      { name: 'target', value: 'live' },
      { name: 'base URL', value: 'https://staging.example.com' },
    ]);
  });
});

describe('rfcLinks', () => {
  it('links each cited section, a bare § belonging to the RFC named before it', () => {
    assert.deepEqual(
      rfcLinks('RFC 8725 §2.1 and §3.1: … (see also RFC 7519 §4.1.4 exp, §4.1.6 iat, and RFC 9110)').map((l) => `${l.name} ${l.url}`),
      [
        'RFC 8725 §2.1 https://www.rfc-editor.org/rfc/rfc8725#section-2.1',
        'RFC 8725 §3.1 https://www.rfc-editor.org/rfc/rfc8725#section-3.1',
        'RFC 7519 §4.1.4 https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4',
        'RFC 7519 §4.1.6 https://www.rfc-editor.org/rfc/rfc7519#section-4.1.6',
        'RFC 9110 https://www.rfc-editor.org/rfc/rfc9110',
      ],
    );
    assert.deepEqual(rfcLinks('Response Status Code: 200'), []);
  });
});
