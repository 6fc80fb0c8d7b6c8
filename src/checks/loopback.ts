/**
 * A document the harness serves itself, on the loopback interface at a free port, for the forgeries
 * whose header points the server at a key of the harness's choosing (a `jku` key set, an `x5u`
 * certificate). It counts the requests for it, so a verdict can say whether the server fetched it: a
 * server on another machine cannot reach the harness's loopback, and a refusal then proves little.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Served {
  /** The document's URL: http://127.0.0.1:<port><path>. */
  readonly url: string;
  /** Requests for it so far. */
  fetches(): number;
  close(): Promise<void>;
}

export async function serveOnLoopback(path: string, contentType: string, body: string): Promise<Served> {
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    fetches++;
    req.resume();
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    fetches: () => fetches,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A fetch count as the note a verdict carries. */
export function fetchNote(served: Served, what: string): string {
  return served.fetches() > 0 ? `the server fetched ${what} and still refused the token` : `${what} was not fetched`;
}
