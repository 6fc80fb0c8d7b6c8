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

  it('masks a client_secret_post secret in a form body, where URLSearchParams encodes ~ ! \' ( ) and space', () => {
    const r = new Redactor();
    const secret = "post~secret!'(x)* y";
    r.add(secret, 'postClientSecret');
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'post-client', client_secret: secret }).toString();
    assert.equal(r.body(body), 'grant_type=client_credentials&client_id=post-client&client_secret=[redacted:postClientSecret]');
    const lower = encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
    assert.equal(r.text(`state=${lower}&x=1`), 'state=[redacted:postClientSecret]&x=1');
  });

  it('masks a non-ASCII secret as UTF-8 percent-encoding, JSON \\u escapes, base64 of its UTF-8 bytes and a Latin-1 reading', () => {
    const r = new Redactor();
    const secret = 'pässwörd-✓';
    r.add(secret, 'password');
    const escaped = (upper: boolean): string =>
      secret.replace(/[^\x00-\x7f]/g, (c) => `\\u${upper ? c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0') : c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    for (const carried of [
      new URLSearchParams({ s: secret }).toString(),
      `{"error_description":"bad ${escaped(false)}"}`,
      `{"error_description":"bad ${escaped(true)}"}`,
      Buffer.from(`client:${secret}`).toString('base64'),
      Buffer.from(secret).toString('base64url'),
    ]) {
      assert.match(r.text(carried), /\[redacted:password\]/, carried);
    }
    // undici reads response header values as Latin-1: an echoed UTF-8 secret arrives as mojibake.
    assert.deepEqual(r.headers({ 'x-echo': Buffer.from(secret).toString('latin1') }), { 'x-echo': '[redacted:password]' });
  });

  it('masks a 4-character secret in a Basic credential wherever it sits in the pair', () => {
    const r = new Redactor();
    r.add('k3y!', 'key');
    for (const pair of ['k3y!:x', 'k3y!:', 'a:k3y!', 'ab:k3y!', 'abc:k3y!', 'conformance-client:k3y!']) {
      for (const enc of ['base64', 'base64url'] as const) {
        const basic = Buffer.from(pair).toString(enc);
        const out = r.text(`Basic ${basic}`);
        assert.match(out, /\[redacted:key\]/, `${pair} as ${enc}: ${out}`);
        const left = out.replace(/^Basic /, '').split('[redacted:key]');
        assert.ok(left.every((part) => !Buffer.from(part, enc).toString('latin1').includes('k3y!')), out);
      }
    }
  });

  it('masks a secret a header fold splits, raw or JSON-escaped, fold and all', () => {
    const r = new Redactor();
    r.add(SECRET, 'password');
    assert.equal(r.text(`X-Echo: fake-pass\r\n word-for-the-mock; realm="x"`), 'X-Echo: [redacted:password]; realm="x"');
    assert.equal(r.text(`X-Echo: fake-password-for\r\n\t-the-mock`), 'X-Echo: [redacted:password]');
    assert.equal(r.text('{"x-echo":"fake-password\\r\\n -for-the-mock"}'), '{"x-echo":"[redacted:password]"}');
    // Folded where the value had a space (RFC 5322): the break alone is inserted.
    r.add('two words here', 'phrase');
    assert.equal(r.text('X-Echo: two words\r\n here'), 'X-Echo: [redacted:phrase]');
  });

  it('masks overlapping secrets as one, leaving no part of either between masks', () => {
    const r = new Redactor();
    r.add('abcdefgh', 'one');
    r.add('efghijkl', 'two');
    assert.equal(r.text('<abcdefghijkl>'), '<[redacted:one]>');
  });

  it('accepts a token with a lone surrogate (a server may issue one) without throwing', () => {
    const r = new Redactor();
    assert.doesNotThrow(() => r.add('tok\ud800en-value', 'token'));
    assert.equal(r.text('x tok\ud800en-value y'), 'x [redacted:token] y');
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
