/**
 * The security baseline against servers nobody on this project wrote, each judged as a live target
 * (no test clock, the bad-credential allowance of a live run) on loopback:
 *
 * - the third-party servers of the run (fixtures/third-party/registry.ts): oidc-provider under the
 *   `oauth2` spec, oauth2-mock-server (also with the key set its README publishes, `token.jwks`), and
 *   better-auth. Where such a server is known to break a rule (its `knownBreaches`), the check must
 *   fail, and pass everywhere else;
 * - better-auth's JWT plugin: its tokens, its published key set, and its own verifier
 *   (`auth.api.verifyJWT`) behind a resource route, with the plugin's private key read from its key
 *   table as a test environment's signing key — so the claim forgeries judge better-auth's verifier.
 *
 * What each showed is asserted, so a change of behaviour in a server (or in a check) is noticed.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { betterAuth } from 'better-auth';
import { memoryAdapter } from 'better-auth/adapters/memory';
import { toNodeHandler } from 'better-auth/node';
import { bearer } from 'better-auth/plugins/bearer';
import { jwt } from 'better-auth/plugins/jwt';
import { checksFor } from '../../src/checks/catalog.js';
import type { Verdict } from '../../src/checks/check.js';
import { BadCredentialBudget, type Target } from '../../src/checks/context.js';
import { newRunId, runCheck } from '../../src/checks/run.js';
import { loadContract, parseContract } from '../../src/contract/load.js';
import type { Contract } from '../../src/contract/model.js';
import { Redactor } from '../../src/http/redact.js';
import { THIRD_PARTY_SERVERS, type RunningServer } from '../../fixtures/third-party/registry.js';
import { explain } from '../support/mock-scope.js';

/** The security family against a live target: check id → verdict. */
async function securityVerdicts(contract: Contract, baseUrl: string, credentials: Readonly<Record<string, string>>, ttl?: number): Promise<Map<string, Verdict>> {
  const target: Target = {
    kind: 'live',
    baseUrl,
    credentials,
    clock: false,
    maxWait: 0,
    timeoutMs: 10_000,
    badCredentialBudget: new BadCredentialBudget(10),
    ...(ttl !== undefined ? { ttl } : {}),
  };
  const scope = { contract, target, redactor: new Redactor(), run: newRunId() };
  const out = new Map<string, Verdict>();
  for (const check of checksFor(contract).filter((c) => c.family === 'security')) out.set(check.id, (await runCheck(check, scope)).verdict);
  return out;
}

const quiet = (print: (...args: unknown[]) => void) => (...args: unknown[]) => {
  if (typeof args[0] === 'string' && /oidc-provider (WARNING|NOTICE)/.test(args[0])) return;
  print(...args);
};

describe('the run’s third-party servers', () => {
  const { warn, info } = console;
  before(() => {
    console.warn = quiet(warn);
    console.info = quiet(info);
  });
  after(() => {
    console.warn = warn;
    console.info = info;
  });

  for (const server of THIRD_PARTY_SERVERS) {
    test(`${server.id} (${server.server}): each security check fails exactly where the server is known to break it`, async () => {
      const loaded = loadContract(server.spec);
      // oauth2-mock-server's README: "Consuming applications can verify them using the /jwks endpoint".
      const contract: Contract =
        server.id === 'oauth2-mock-server' ? { ...loaded, token: { ...loaded.token, jwks: { path: '/jwks', source: 'README: GET /jwks' } } } : loaded;
      const running: RunningServer = await server.start({ contract, ...(server.ttl !== undefined ? { ttl: server.ttl } : {}) });
      try {
        const verdicts = await securityVerdicts(contract, running.url, contract.mock.credentials, server.ttl);
        const broken = (id: string): boolean =>
          id in server.knownBreaches ||
          // oauth2-mock-server verifies no token it is shown, so a token keyed with its public key passes too.
          (server.id === 'oauth2-mock-server' && id === 'security.jwt-alg-confusion');
        const wrong = [...verdicts]
          .filter(([id, v]) => (broken(id) ? v.status !== 'fail' : v.status === 'fail'))
          .map(([id, v]) => `${id}: ${explain(v)}`);
        assert.deepEqual(wrong, []);
        const hygiene = verdicts.get('security.error-hygiene');
        assert.equal(hygiene?.status, 'pass', hygiene && explain(hygiene));
        // One refusal of each condition, one wrong password among them.
        const purposes = hygiene?.exchanges.map((e) => e.purpose) ?? [];
        // A logged-out token is answered as errors.loggedOut, a revoked private token as errors.revoked.
        const ended = contract.logout ? 'errors.loggedOut' : 'errors.revoked';
        for (const condition of ['errors.missing', 'errors.invalid', 'errors.tampered', 'errors.wrongScheme', 'errors.malformed', 'errors.badCredentials', ended]) {
          assert.ok(purposes.some((p) => p.includes(`(${condition}`)), `${condition} in ${purposes.join('; ')}`);
        }
        if (contract.refresh) assert.ok(purposes.some((p) => p.includes('(errors.refreshInvalid)')));
        assert.equal(purposes.filter((p) => /\(errors\.badCredentials/.test(p)).length, 1);
        const entropy = verdicts.get('security.token-entropy');
        if (server.id === 'oauth2') {
          // oidc-provider's password grant issues opaque refresh tokens: both kinds are estimated.
          assert.equal(entropy?.status, 'pass', entropy && explain(entropy));
          if (entropy?.status === 'pass') assert.match(entropy.detail ?? '', /token: about \d+ bits.*refreshToken: about \d+ bits/);
        }
        if (server.id === 'oauth2-mock-server') {
          // Its access tokens are JWTs; its refresh tokens are random UUIDs: 122 random bits.
          assert.equal(entropy?.status, 'fail');
          if (entropy?.status === 'fail') assert.match(entropy.actual, /^refreshToken: about 12\d bits: 4 samples of 36 characters/);
        }
      } finally {
        await running.close();
      }
    });
  }
});

/**
 * better-auth with its bearer and JWT plugins, and one resource route that accepts a Bearer JWT when
 * better-auth's own verifier (`auth.api.verifyJWT`, which checks the signature with the key set, the
 * issuer and the audience) returns its claims. The key table is kept unencrypted (a documented option,
 * `jwks.disablePrivateKeyEncryption`), so the test can read the signing key as a test environment's.
 */
async function startBetterAuthJwt(user: { email: string; password: string }): Promise<RunningServer & { session: string; signingKey: string }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const db: Record<string, Record<string, unknown>[]> = { user: [], session: [], account: [], verification: [], jwks: [] };
  const auth = betterAuth({
    baseURL: url,
    secret: 'a-test-secret-of-this-throwaway-server-0123456789',
    database: memoryAdapter(db),
    emailAndPassword: { enabled: true, autoSignIn: false },
    plugins: [bearer(), jwt({ jwks: { disablePrivateKeyEncryption: true } })],
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    logger: { disabled: true },
  });
  await auth.api.signUpEmail({ body: { email: user.email, password: user.password, name: 'authconform demo user' } });
  const handler = toNodeHandler(auth);
  server.on('request', (req, res) => {
    if (!req.url?.startsWith('/api/protected')) return void handler(req, res);
    const bearerToken = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const verified = bearerToken ? auth.api.verifyJWT({ body: { token: bearerToken } }) : Promise.resolve({ payload: null });
    void verified.then(
      ({ payload }) => {
        if (payload) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sub: payload.sub }));
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': `Bearer error="invalid_token"` }).end('{"error":"invalid_token"}');
      },
      () => res.writeHead(500).end(),
    );
  });
  // better-auth refuses a sign-in without an Origin (its CSRF protection); a browser always sends one.
  const signIn = await fetch(`${url}/api/auth/sign-in/email`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify(user) });
  const session = signIn.headers.get('set-auth-token') ?? '';
  await fetch(`${url}/api/auth/token`, { headers: { authorization: `Bearer ${session}` } });
  const signingKey = String(db.jwks?.[0]?.privateKey ?? '');
  return {
    url,
    session,
    signingKey,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const SOURCE = 'better-auth docs, JWT plugin: the JWT can be verified with the JWKS endpoint (/api/auth/jwks); verifyJWT checks the signature, the issuer and the audience.';

/** The contract of better-auth's JWT plugin with a resource route behind its verifier; `mockKey` is a private JWK for the mock. */
function betterAuthJwtSpec(mockKey: string): Contract {
  const text = `authconform: 2
id: better-auth-jwt
provider: better-auth (JWT plugin)
document: { title: better-auth JWT plugin, url: 'https://www.better-auth.com/docs/plugins/jwt' }
credentials:
  session: { env: BETTER_AUTH_JWT_SESSION, description: A session token of the user (bearer plugin). }
  signingKey: { env: BETTER_AUTH_JWT_SIGNING_KEY, description: The private JWK in the key table of the test server. }
mock:
  credentials:
    session: fake-session-token-0123456789
    signingKey: '${mockKey}'
token:
  format: jwt
  alg: EdDSA
  jwks: { path: /api/auth/jwks, source: '${SOURCE}' }
  signingKey: { credential: signingKey, format: jwk }
  issuer: { source: '${SOURCE}' }
  audience: { source: '${SOURCE}' }
  source: 'GET /api/auth/token returns a JWT.'
acquire:
  request: { method: GET, path: /api/auth/token, headers: { Authorization: 'Bearer {session}' } }
  response:
    status: 200
    schema: { type: object, required: [token], properties: { token: { type: string } } }
    parts: { token: { pointer: /token } }
  source: 'GET /api/auth/token returns a JWT for the session.'
present: { scheme: Bearer, source: 'A resource server reads the JWT from Authorization: Bearer.' }
probe:
  request: { method: GET, path: /api/protected, auth: token }
  response: { status: 200 }
  source: '${SOURCE}'
lifetime: { ttl: { seconds: 900, source: 'The JWT plugin sets expirationTime 15m by default.' } }
errors:
  missing: { status: 401, source: 'RFC 6750 §3.' }
  invalid: { status: 401, source: 'RFC 6750 §3.1 invalid_token.' }
  badCredentials: { status: 401, source: 'Without a valid session, /api/auth/token answers 401.' }
  malformed: { status: 401, source: 'Without a session, /api/auth/token answers 401.' }
`;
  const { contract, problems } = parseContract(text, 'specs/better-auth-jwt.yaml');
  assert.deepEqual(problems.map((p) => p.message), []);
  assert.ok(contract);
  return contract;
}

describe('better-auth’s JWT plugin and its verifier', () => {
  test('alg confusion, x5u and the claims its verifier checks are refused; a token without exp is accepted', async () => {
    const user = { email: 'jwt.demo@example.test', password: 'fake-password-for-the-demo-0123' };
    const running = await startBetterAuthJwt(user);
    try {
      assert.ok(running.session && running.signingKey.startsWith('{'), 'signed in, and the key table holds the signing key');
      const contract = betterAuthJwtSpec(running.signingKey.replace(/'/g, "''"));
      const verdicts = await securityVerdicts(contract, running.url, { session: running.session, signingKey: running.signingKey });
      const status = Object.fromEntries([...verdicts].map(([id, v]) => [id, v.status]));
      assert.deepEqual(status, {
        'security.jwt-kid-injection': 'pass',
        'security.jwt-jku-injection': 'pass',
        'security.jwt-x5u-injection': 'pass',
        'security.jwt-alg-confusion': 'pass',
        // verifyJWT calls jose's jwtVerify with the issuer and the audience but no required claims:
        // a token signed with its key and no exp never expires.
        'security.jwt-exp-required': 'fail',
        'security.jwt-nbf': 'pass',
        'security.jwt-audience': 'pass',
        'security.jwt-issuer': 'pass',
        'security.error-hygiene': 'pass',
        'security.no-store': 'fail',
        'security.www-authenticate': 'pass',
        'security.no-query-token': 'pass',
      }, [...verdicts].map(([id, v]) => `${id}: ${explain(v)}`).join('\n'));
      const noExp = verdicts.get('security.jwt-exp-required');
      if (noExp?.status === 'fail') assert.match(noExp.actual, /accepted as the user: 200/);
      const confusion = verdicts.get('security.jwt-alg-confusion');
      if (confusion?.status === 'pass') assert.match(confusion.detail ?? '', /the OKP key "[^"]+" published at \/api\/auth\/jwks: refused alg HS256, keyed with the PEM text/);
      // No verdict shows the signing key or the session.
      const shown = JSON.stringify([...verdicts.values()]);
      assert.ok(!shown.includes(running.session) && !shown.includes(JSON.parse(running.signingKey).d as string));
    } finally {
      await running.close();
    }
  });
});
