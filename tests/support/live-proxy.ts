/**
 * A stand-in for someone's live server: a loopback proxy in front of an embedded mock that accepts a
 * canary password (rewritten to the mock's own before forwarding), counts the logins that carried a
 * wrong one, and can stop answering after a number of requests (a run caught in flight).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Contract } from '../../src/contract/model.js';
import { startMock, type MockOptions } from '../../src/mock/server.js';

export interface LiveProxy {
  readonly url: string;
  /** Requests to the acquire path whose body did not carry the canary password. */
  wrongLogins(): number;
  /** Requests received so far. */
  requests(): number;
  /** From now on, requests are held without an answer until close(). */
  hold(): void;
  close(): Promise<void>;
}

export async function startLiveProxy(contract: Contract, canary: { readonly password: string }, options: MockOptions = {}): Promise<LiveProxy> {
  const mock = await startMock(contract, options);
  const real = contract.mock.credentials.password ?? '';
  let wrong = 0;
  let seen = 0;
  let holding = false;
  const held: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen++;
      if (holding) {
        held.push(res);
        return;
      }
      let body = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === contract.acquire.request.method && path === contract.acquire.request.path) {
        if (body.includes(canary.password)) body = body.split(canary.password).join(real);
        else wrong++;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k))) as Record<string, string>;
      fetch(`${mock.url}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, ...(body && req.method !== 'GET' && req.method !== 'HEAD' ? { body } : {}) })
        .then(async (answer) => {
          const out = Buffer.from(await answer.arrayBuffer());
          const copied: Record<string, string> = {};
          answer.headers.forEach((v, k) => {
            if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive'].includes(k)) copied[k] = v;
          });
          res.writeHead(answer.status, copied).end(out);
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    wrongLogins: () => wrong,
    requests: () => seen,
    hold: () => {
      holding = true;
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mock.close();
    },
  };
}
