import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Redactor } from '../../src/http/redact.js';

const SECRET = 'fake-password-for-the-mock';

describe('Redactor', () => {
  it('masks a secret in plain, URL-encoded, base64 and base64url form', () => {
    const r = new Redactor();
    r.add('p@ss w/rd+secret', 'password');
    const plain = 'p@ss w/rd+secret';
    for (const form of [plain, encodeURIComponent(plain), Buffer.from(plain).toString('base64'), Buffer.from(plain).toString('base64url')]) {
      const out = r.text(`before ${form} after`);
      assert.ok(!out.includes(form), `still holds ${form}: ${out}`);
      assert.match(out, /\[redacted:password\]/);
    }
  });

  it('masks a secret inside a longer base64 value whatever its alignment (a Basic key:token)', () => {
    const r = new Redactor();
    const token = 'tok_9f8e7d6c5b4a39281706';
    r.add(token, 'token');
    for (const key of ['k', 'ke', 'key', 'keyy']) {
      const basic = Buffer.from(`${key}:${token}`).toString('base64');
      const out = r.text(basic);
      assert.notEqual(out, basic, `the base64 of ${key}:token was not touched`);
      // What is left cannot be decoded back to the token.
      assert.ok(!Buffer.from(out.replace(/\[redacted:token\]/g, ''), 'base64').toString('latin1').includes(token));
    }
  });

  it('masks credential headers whatever they hold, keeping the scheme word', () => {
    const r = new Redactor();
    const h = r.headers({ Authorization: 'Bearer abc.def.ghi', Cookie: 'sid=1', 'x-api-key': 'k-123456', Accept: 'application/json' });
    assert.equal(h.Authorization, 'Bearer [redacted]');
    assert.equal(h.Cookie, '[redacted]');
    assert.equal(h['x-api-key'], '[redacted]');
    assert.equal(h.Accept, 'application/json');
  });

  it('masks JSON members with secret-sounding names even when the value was never declared', () => {
    const r = new Redactor();
    const out = r.body(JSON.stringify({ credentials: { token: 'undeclared-value', refreshToken: 'r-1', identityId: 'eu:1' }, password: 'x' }));
    assert.ok(!out.includes('undeclared-value'));
    assert.ok(!out.includes('r-1'));
    assert.ok(out.includes('eu:1'), 'identifiers stay readable');
  });

  it('keeps names that only describe a secret readable (token_type, expires_in)', () => {
    const r = new Redactor();
    const out = JSON.parse(r.body(JSON.stringify({ access_token: 'a-secret-value', token_type: 'Bearer', expires_in: 600, token_type_hint: 'access_token' })));
    assert.deepEqual(out, { access_token: '[redacted]', token_type: 'Bearer', expires_in: 600, token_type_hint: 'access_token' });
  });

  it('masks by value in non-JSON bodies and leaves short values alone', () => {
    const r = new Redactor();
    r.add(SECRET, 'password');
    r.add('abc', 'too-short');
    const out = r.body(`<html>${SECRET} abc</html>`);
    assert.equal(out, '<html>[redacted:password] abc</html>');
  });

  it('lists every secret it knows, for leak scans', () => {
    const r = new Redactor();
    r.add('one-secret');
    r.add('two-secret');
    r.add('one-secret');
    assert.deepEqual(r.values().sort(), ['one-secret', 'two-secret']);
  });
});
