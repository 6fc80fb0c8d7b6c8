/**
 * Templates are how a spec builds requests from credentials and issued parts (render) and how the mock
 * reads them back out of a request (match). Pointers locate values in bodies.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  compileTemplate,
  escapePointer,
  getPointer,
  jsonTemplates,
  literalLength,
  match,
  matchJson,
  placeholderOffsets,
  placeholders,
  pointerSegments,
  render,
  renderJson,
  setPointer,
  soleplaceholder,
} from '../../src/contract/template.js';

describe('render', () => {
  test('fills every placeholder', () => {
    assert.equal(render('{key}:{token}', { key: 'k1', token: 't1' }), 'k1:t1');
    assert.equal(render('/api/v1/user/{email}', { email: 'a@b.test' }), '/api/v1/user/a@b.test');
    assert.equal(render('no placeholders', {}), 'no placeholders');
  });

  test('is undefined when a name is missing, so the caller drops the value', () => {
    assert.equal(render('{key}:{token}', { key: 'k1' }), undefined);
  });

  test('leaves text that is not a placeholder alone', () => {
    assert.equal(render('{{your-domain}} {1x} {a-b}', {}), '{{your-domain}} {1x} {a-b}');
  });

  test('renderJson renders nested strings and drops members that cannot render', () => {
    const body = { name: 'authconform-{run}', expiresAt: '{expiresAt}', n: 3, ok: true, nested: { list: ['{run}', '{nope}'] } };
    assert.deepEqual(renderJson(body, { run: 'r1' }), { name: 'authconform-r1', n: 3, ok: true, nested: { list: ['r1'] } });
    assert.equal(renderJson('{token}', {}), undefined);
    assert.equal(renderJson(null, {}), null);
  });
});

describe('placeholders', () => {
  test('names and offsets in order of appearance', () => {
    assert.deepEqual(placeholders('{key}:{token}'), ['key', 'token']);
    assert.deepEqual(placeholderOffsets('/u/{id}/x/{id2}'), [
      { name: 'id', offset: 3 },
      { name: 'id2', offset: 10 },
    ]);
    assert.deepEqual(placeholders('{{x}}'), ['x']);
  });

  test('soleplaceholder only when the whole template is one placeholder', () => {
    assert.equal(soleplaceholder('{token}'), 'token');
    assert.equal(soleplaceholder('Bearer {token}'), undefined);
    assert.equal(soleplaceholder('{a}{b}'), undefined);
  });

  test('jsonTemplates lists every string with its pointer', () => {
    assert.deepEqual(jsonTemplates({ a: '{x}', 'b/c': ['{y}', 2], d: { 'e~f': 'z' } }, '/body/json'), [
      { pointer: '/body/json/a', template: '{x}' },
      { pointer: '/body/json/b~1c/0', template: '{y}' },
      { pointer: '/body/json/d/e~0f', template: 'z' },
    ]);
    assert.deepEqual(jsonTemplates(undefined), []);
  });
});

describe('match', () => {
  test('reads placeholder values back out of a value', () => {
    assert.deepEqual(match('{key}:{token}', 'k1:t1'), { key: 'k1', token: 't1' });
    assert.deepEqual(match('Bearer {token}', 'Bearer a.b.c'), { token: 'a.b.c' });
    assert.deepEqual(match('plain', 'plain'), {});
  });

  test('is undefined when the value does not fit', () => {
    assert.equal(match('Bearer {token}', 'Basic abc'), undefined);
    assert.equal(match('plain', 'plainer'), undefined);
  });

  test('escapes regular-expression characters in the literal text', () => {
    assert.deepEqual(match('a.b+({x})', 'a.b+(1)'), { x: '1' });
    assert.equal(match('a.b', 'axb'), undefined);
  });

  test('path segments: one segment per placeholder, percent-decoded', () => {
    assert.deepEqual(match('/api/v1/user/{email}', '/api/v1/user/john%40example.test', { segment: true }), { email: 'john@example.test' });
    assert.equal(match('/users/{id}', '/users/a/b', { segment: true }), undefined);
    assert.deepEqual(match('/users/{id}', '/users/%E0%A4%A', { segment: true }), { id: '%E0%A4%A' });
  });

  test('matchJson takes values where the template has placeholders', () => {
    const template = { email: '{email}', password: '{password}', client: { id: '{client}' }, list: ['{a}'] };
    const body = { email: 'e@x.test', password: 'pw', client: { id: 'c1' }, list: ['A'], extra: 1 };
    assert.deepEqual(matchJson(template, body), { email: 'e@x.test', password: 'pw', client: 'c1', a: 'A' });
    assert.deepEqual(matchJson(template, { email: 42, client: 'not an object' }), {});
    assert.deepEqual(matchJson('{token}', 'abc'), { token: 'abc' });
  });

  test('render then match gives the values back', () => {
    const vars = { key: 'k:1', token: 't-2' };
    const rendered = render('{key}|{token}', vars);
    assert.ok(rendered);
    assert.deepEqual(match('{key}|{token}', rendered), vars);
  });
});

describe('compileTemplate', () => {
  test('values come back in placeholder order, as match gives them by name', () => {
    const m = compileTemplate('{key}:{token}');
    assert.deepEqual(m.names, ['key', 'token']);
    assert.deepEqual(m.values('k1:t1'), ['k1', 't1']);
    assert.deepEqual(m.match('k1:t1'), { key: 'k1', token: 't1' });
    assert.equal(m.values('k1t1'), undefined);
    assert.equal(m.match('k1t1'), undefined);
  });

  test('a compiled template matches the same values many times, as match does once', () => {
    const cases: [string, string, { segment?: boolean }][] = [
      ['{token}', 'a.b.c', {}],
      ['{token}', '', {}],
      ['Bearer {token}', 'Bearer a b', {}],
      ['Bearer {token}', 'Basic abc', {}],
      ['plain', 'plain', {}],
      ['plain', 'plainer', {}],
      ['a.b+({x})', 'a.b+(1)', {}],
      ['{a}-{a}', 'x-y', {}],
      ['line {x}', 'line 1\n2', {}],
      ['/api/v1/user/{email}', '/api/v1/user/john%40example.test', { segment: true }],
      ['/users/{id}', '/users/a/b', { segment: true }],
      ['/users/{id}', '/users/%E0%A4%A', { segment: true }],
      ['{id}', 'a%2Fb', { segment: true }],
      ['{id}', 'a/b', { segment: true }],
    ];
    for (const [template, value, opts] of cases) {
      const compiled = compileTemplate(template, opts);
      for (let i = 0; i < 2; i++) assert.deepEqual(compiled.match(value), match(template, value, opts), `${template} against ${value}`);
    }
    assert.deepEqual(compileTemplate('{id}', { segment: true }).values('a%2Fb'), ['a/b']);
    assert.equal(compileTemplate('{id}', { segment: true }).values('a/b'), undefined);
  });

  test('literalLength counts the text outside placeholders', () => {
    assert.equal(literalLength('/users/{id}/keys'), '/users//keys'.length);
    assert.equal(literalLength('{token}'), 0);
  });
});

describe('JSON pointers', () => {
  const doc = { credentials: { identityId: 'id1', token: 't' }, items: [{ id: 'a' }, { id: 'b' }], 'a/b': { 'c~d': 1 } };

  test('getPointer reads values, the empty pointer is the whole body, absent is undefined', () => {
    assert.equal(getPointer(doc, '/credentials/token'), 't');
    assert.equal(getPointer(doc, '/items/1/id'), 'b');
    assert.equal(getPointer(doc, '/a~1b/c~0d'), 1);
    assert.equal(getPointer('bare-token', ''), 'bare-token');
    assert.equal(getPointer(doc, '/credentials/missing'), undefined);
    assert.equal(getPointer(doc, '/credentials/token/deeper'), undefined);
  });

  test('setPointer writes, creating objects on the way; the empty pointer replaces the root', () => {
    assert.deepEqual(setPointer({}, '/a/b', 1), { a: { b: 1 } });
    assert.deepEqual(setPointer({ a: 'x' }, '/a/b', 1), { a: { b: 1 } });
    assert.equal(setPointer({ a: 1 }, '', 'whole'), 'whole');
    assert.deepEqual(setPointer(null, '/x', 2), { x: 2 });
  });

  test('escapePointer and pointerSegments round-trip ~ and /', () => {
    for (const seg of ['plain', 'a/b', 'c~d', '~/~1']) assert.deepEqual(pointerSegments(`/${escapePointer(seg)}`), [seg]);
    assert.deepEqual(pointerSegments(''), []);
    assert.deepEqual(pointerSegments('/'), ['']);
  });
});
