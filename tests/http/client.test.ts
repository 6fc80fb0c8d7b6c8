import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { HttpClient, Recorder } from '../../src/http/client.js';
import { Redactor } from '../../src/http/redact.js';

/** A loopback server whose behaviour is chosen by path. */
function hostile(): Server {
  return createServer((req, res) => {
    switch (req.url) {
      case '/ok':
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ token: 'issued-token-value-1234' }));
        return;
      case '/hang':
        return; // never answers
      case '/reset':
        req.socket.destroy();
        return;
      case '/html':
        res.setHeader('content-type', 'text/html');
        res.end('<html><body>Welcome</body></html>');
        return;
      case '/huge': {
        res.setHeader('content-type', 'application/octet-stream');
        const chunk = Buffer.alloc(64 * 1024, 97);
        let sent = 0;
        const pump = (): void => {
          while (sent < 50 * 1024 * 1024) {
            sent += chunk.length;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        res.on('error', () => undefined);
        pump();
        return;
      }
      case '/drip': {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const t = setInterval(() => res.write('x'), 50);
        res.on('close', () => clearInterval(t));
        return;
      }
      default:
        res.statusCode = 500;
        res.end('Internal Server Error');
    }
  });
}

describe('HttpClient against hostile servers', () => {
  let server: Server;
  let base: string;
  const redactor = new Redactor();
  const recorder = new Recorder(redactor);
  const client = new HttpClient(recorder, { timeoutMs: 400, maxBodyBytes: 256 * 1024 });

  before(async () => {
    server = hostile();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('records a normal exchange and redacts a token learnt after it was sent', async () => {
    const res = await client.send({ method: 'POST', url: `${base}/ok`, body: '{"password":"fake-password-1"}', headers: { authorization: 'Bearer abcdef' }, purpose: 'acquire' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), { token: 'issued-token-value-1234' });
    redactor.add('issued-token-value-1234', 'token');
    const shown = recorder.redact(res.exchange);
    assert.ok(!JSON.stringify(shown).includes('issued-token-value-1234'));
    assert.ok(!JSON.stringify(shown).includes('fake-password-1'));
    assert.equal(shown.request.headers.authorization, 'Bearer [redacted]');
  });

  it('turns a hung server into a response-less exchange with the reason', async () => {
    const res = await client.send({ method: 'GET', url: `${base}/hang`, purpose: 'probe' });
    assert.equal(res.status, 0);
    assert.match(res.error ?? '', /within 400 ms/);
    assert.equal(res.exchange.response, undefined);
  });

  it('reports a reset connection', async () => {
    const res = await client.send({ method: 'GET', url: `${base}/reset`, purpose: 'probe' });
    assert.equal(res.status, 0);
    assert.match(res.error ?? '', /closed the connection/);
  });

  it('keeps HTML and 500 answers as evidence, without parsing them as JSON', async () => {
    const html = await client.send({ method: 'GET', url: `${base}/html`, purpose: 'probe' });
    assert.equal(html.status, 200);
    assert.equal(html.json(), undefined);
    const err = await client.send({ method: 'GET', url: `${base}/boom`, purpose: 'probe' });
    assert.equal(err.status, 500);
    assert.equal(err.text, 'Internal Server Error');
  });

  it('caps a 50 MB body and says so', async () => {
    // A generous deadline: the cap, not the clock, must be what stops this one.
    const patient = new HttpClient(recorder, { timeoutMs: 10_000, maxBodyBytes: 256 * 1024 });
    const res = await patient.send({ method: 'GET', url: `${base}/huge`, purpose: 'probe' });
    assert.equal(res.status, 200);
    assert.equal(res.truncated, true);
    assert.equal(res.text.length, 256 * 1024);
    assert.match(res.error ?? '', /exceeded/);
  });

  it('gives up on a server that drips its body', async () => {
    const res = await client.send({ method: 'GET', url: `${base}/drip`, purpose: 'probe' });
    assert.equal(res.status, 200);
    assert.match(res.error ?? '', /cut off/);
  });

  it('reports a server that is not listening', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const res = await client.send({ method: 'GET', url: `http://127.0.0.1:${port}/`, purpose: 'probe' });
    assert.equal(res.status, 0);
    assert.match(res.error ?? '', /refused/);
  });

  it('numbers exchanges in the order they were made', () => {
    const seqs = recorder.exchanges().map((e) => e.seq);
    assert.deepEqual(seqs, seqs.map((_, i) => i + 1));
  });
});
