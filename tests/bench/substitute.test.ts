/**
 * The replay benchmark rewrites recorded requests with the values fresh mocks issue in place of the
 * recorded ones (bench/substitute.ts); a wrong rewrite would make the baseline send other requests
 * than the run it is compared with.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Substitutions } from '../../bench/substitute.js';

const RECORDED_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.recorded.signature';
const REPLAYED_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.replayed.signature';

describe('Substitutions', () => {
  it('maps values found in the same place of a JSON body, including a bare JSON string', () => {
    const s = new Substitutions();
    s.learn(
      { headers: {}, body: JSON.stringify({ key: 'key-recorded-1', token: RECORDED_TOKEN, role: 'user', list: [{ id: 'tok_recorded_9' }] }) },
      { headers: {}, body: JSON.stringify({ key: 'key-replayed-1', token: REPLAYED_TOKEN, role: 'user', list: [{ id: 'tok_replayed_9' }] }) },
    );
    s.learn({ headers: {}, body: JSON.stringify('bare-recorded-token') }, { headers: {}, body: JSON.stringify('bare-replayed-token') });
    assert.equal(s.apply(`{"refresh":"${RECORDED_TOKEN}"}`), `{"refresh":"${REPLAYED_TOKEN}"}`);
    assert.equal(s.apply('/tokens/tok_recorded_9?x=bare-recorded-token'), '/tokens/tok_replayed_9?x=bare-replayed-token');
    assert.equal(s.apply('role user'), 'role user', 'values that did not change are left alone');
  });

  it('rewrites Basic credentials inside their base64, and URL-encoded values', () => {
    const s = new Substitutions();
    s.learn({ headers: {}, body: '{"key":"k/recorded+1","token":"t-recorded-2"}' }, { headers: {}, body: '{"key":"k/replayed+1","token":"t-replayed-2"}' });
    const basic = `Basic ${Buffer.from('k/recorded+1:t-recorded-2').toString('base64')}`;
    assert.deepEqual(s.applyHeaders({ authorization: basic, 'x-other': 'k/recorded+1' }), {
      authorization: `Basic ${Buffer.from('k/replayed+1:t-replayed-2').toString('base64')}`,
      'x-other': 'k/replayed+1',
    });
    assert.equal(s.apply(`key=${encodeURIComponent('k/recorded+1')}`), `key=${encodeURIComponent('k/replayed+1')}`);
  });

  it('rewrites Basic credentials whatever the case of the scheme, keeping it as recorded', () => {
    const s = new Substitutions();
    s.learn({ headers: {}, body: '{"key":"k-recorded-1","token":"t-recorded-2"}' }, { headers: {}, body: '{"key":"k-replayed-1","token":"t-replayed-2"}' });
    const b64 = (text: string): string => Buffer.from(text).toString('base64');
    for (const scheme of ['basic', 'BASIC', 'bAsIc']) {
      assert.deepEqual(s.applyHeaders({ authorization: `${scheme} ${b64('k-recorded-1:t-recorded-2')}` }), { authorization: `${scheme} ${b64('k-replayed-1:t-replayed-2')}` }, scheme);
    }
  });

  it('learns header values word by word, and ignores headers every response changes', () => {
    const s = new Substitutions();
    s.learn(
      { headers: { authorization: `Bearer ${RECORDED_TOKEN}`, date: 'Tue, 25 Nov 2026 10:00:00 GMT' }, body: '' },
      { headers: { authorization: `Bearer ${REPLAYED_TOKEN}`, date: 'Tue, 25 Nov 2026 10:00:07 GMT' }, body: '' },
    );
    assert.equal(s.apply(`Bearer ${RECORDED_TOKEN}`), `Bearer ${REPLAYED_TOKEN}`);
    assert.equal(s.size, 1, 'only the token was learnt');
  });

  it('replaces a longer value before a shorter one it contains', () => {
    const s = new Substitutions();
    s.learn({ headers: {}, body: '{"a":"abcdef","b":"abcdef.ghijkl"}' }, { headers: {}, body: '{"a":"ZZZZZZ","b":"YYYYYY.XXXXXX"}' });
    assert.equal(s.apply('abcdef.ghijkl abcdef'), 'YYYYYY.XXXXXX ZZZZZZ');
  });
});
