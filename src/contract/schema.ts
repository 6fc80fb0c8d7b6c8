/**
 * The spec format (versions 1 and 2): the one source of truth.
 *
 * The JSON Schema that editors and the loader use (`schema/authconform-spec.schema.json`) is generated
 * from these TypeBox definitions (`npm run schema`), and the TypeScript type of a spec as written
 * (`ContractSpec`) is derived from the same definitions, so the two cannot drift. A test fails when
 * the committed JSON file is out of date.
 *
 * Format 2 adds keys only (each description says "Format 2"): a v1 spec loads unchanged, and a spec
 * that uses a format-2 key says `authconform: 2` (the loader names the key when it does not).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const closed = { additionalProperties: false } as const;

/** The description of every `source`: how the rules find a spec's sources through this schema. */
export const SOURCE_NOTE =
  'Where this rule comes from: the sentence of the provider document (quoted) or an RFC clause such as "RFC 6749 §5.2". Reports cite it, so lint refuses one that still says TODO.';

const Source = Type.String({ minLength: 1, description: SOURCE_NOTE });

/**
 * The JWS algorithms a spec may name: those jose signs and verifies on Node 20, so the mock can issue
 * such tokens and the checks can forge them. `none` is not one: refusing it is what `jwt.alg-none` checks.
 */
export const JWT_ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

/** Who decides when a long-lived token expires (`tokens.create.expiry.mode`). */
export const EXPIRY_MODES = ['chosen', 'server', 'never'] as const;

/** The requests a rotation by sequence is made of (`tokens.rotate.by`). */
export const ROTATE_STEPS = ['create', 'revoke'] as const;

/** The longest lifetime a spec may state: ten years. Longer is a typo (or `.inf`), and no clock could reach it. */
export const MAX_LIFETIME_SECONDS = 10 * 365 * 24 * 3600;

/** What every template's description ends with: editors show it beside the key's own meaning. */
export const TEMPLATE_NOTE =
  'Text with {name} placeholders. A name is a credential (see `credentials`), an issued part (see `parts`) or a value the harness chooses (such as a custom expiry).';

const Template = Type.String({ description: TEMPLATE_NOTE });

/** A template with a meaning of its own, stated before the note on templates. */
function TemplateFor(meaning: string) {
  return Described(Template, `${meaning} ${TEMPLATE_NOTE}`);
}

/**
 * A shared shape (a request, a response, an error…) with the meaning it has in one place, so an editor
 * shows that meaning rather than the shape's general one. The spread keeps TypeBox's symbol keys, so
 * the static type is the shape's own.
 */
function Described<T extends TSchema>(schema: T, description: string): T {
  return { ...schema, description };
}

const IDENTIFIER_NOTE = 'A name usable as a {placeholder}.';

const Identifier = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: IDENTIFIER_NOTE });

/** An identifier with a meaning of its own, stated before the rule for names (a pattern error quotes both). */
function IdentifierFor(meaning: string) {
  return Described(Identifier, `${meaning} ${IDENTIFIER_NOTE}`);
}

/** A string enum as plain JSON Schema `enum` (clearer errors than a union of literals). */
function StringEnum<const T extends readonly string[]>(values: T, options: { description?: string } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

const Method = StringEnum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], { description: 'HTTP method.' });

const Status = Type.Integer({ minimum: 100, maximum: 599, description: 'HTTP status code.' });

const JsonSchemaValue = Type.Record(Type.String(), Type.Unknown(), {
  description:
    'A JSON Schema (draft 2020-12) of the body, checked as ajv checks it in strict mode: an unknown keyword or format is an error. `const` pins named values; `examples` give the mock values to send.',
});

const Scheme = StringEnum(['Bearer', 'Basic', 'none'], {
  description: '`Bearer <value>`, `Basic base64(<value>)`, or `none` (the raw value with no scheme).',
});

/** The header inline client authentication goes in when the spec names none. */
export const DEFAULT_AUTH_HEADER = 'Authorization';

export const InlineAuthSchema = Type.Object(
  {
    header: Type.Optional(
      Type.String({ minLength: 1, default: DEFAULT_AUTH_HEADER, description: `The header it goes in (default ${DEFAULT_AUTH_HEADER}).` }),
    ),
    scheme: Scheme,
    value: TemplateFor('What is sent, a template, such as `{clientId}:{clientSecret}`.'),
  },
  { ...closed, description: 'Authentication of this request that is not the issued token, such as client_secret_basic.' },
);

export const RequestSchema = Type.Object(
  {
    method: Method,
    path: Type.String({ pattern: '^/', description: 'Path template, e.g. /api/v1/user/{email}.' }),
    query: Type.Optional(Type.Record(Type.String(), Template, { description: 'Query parameters (templates).' })),
    headers: Type.Optional(Type.Record(Type.String(), Template, { description: 'Extra request headers (templates).' })),
    body: Type.Optional(
      Type.Object(
        {
          json: Type.Optional(Type.Unknown({ description: 'A JSON body; every string in it is a template.' })),
          form: Type.Optional(
            Type.Record(Type.String(), Template, { description: 'An application/x-www-form-urlencoded body.' }),
          ),
        },
        { ...closed, description: 'Exactly one of `json` or `form`.' },
      ),
    ),
    auth: Type.Optional(
      Type.Union([Type.Literal('token'), Type.Literal('none'), InlineAuthSchema], {
        description:
          '`token`: present the issued credential as `present` says (with companions); `none` (default): no credential; or inline client authentication.',
      }),
    ),
  },
  { ...closed, description: 'An HTTP request built from templates.' },
);

export const PartSchema = Type.Object(
  {
    pointer: Type.Optional(
      Type.String({
        pattern: '^(/.*)?$',
        description: 'JSON pointer into the body. The empty pointer "" means the body itself (a bare JSON string).',
      }),
    ),
    header: Type.Optional(Type.String({ minLength: 1, description: 'A response header carrying the value.' })),
    scheme: Type.Optional(Scheme),
    kind: Type.Optional(
      StringEnum(['secret', 'id', 'expires-at', 'expires-in'], {
        description:
          '`secret` (default): a token or key, redacted everywhere; `id`: a non-secret identifier; `expires-at`: the time the credential expires; `expires-in`: its lifetime in seconds.',
      }),
    ),
    format: Type.Optional(
      StringEnum(['iso8601', 'unix'], { description: 'For `expires-at`: an ISO 8601 date-time string or epoch seconds.' }),
    ),
  },
  { ...closed, description: 'Where an issued value is found: exactly one of `pointer` or `header`.' },
);

/** What a response header must look like, and what the mock sends for it. */
const HeaderRule = Type.Object(
  {
    pattern: Type.String({ description: 'A regular expression the header value must match.' }),
    example: Type.String({ description: 'The value the mock sends; must match `pattern`.' }),
  },
  closed,
);

export const ResponseSchema = Type.Object(
  {
    status: Described(Status, 'The status of success.'),
    schema: Type.Optional(JsonSchemaValue),
    headers: Type.Optional(Type.Record(Type.String(), HeaderRule, { description: 'Response headers the contract promises.' })),
    parts: Type.Optional(Type.Record(Identifier, PartSchema, { ...closed, description: 'Issued values and where they are.' })),
  },
  { ...closed, description: 'What a successful response looks like.' },
);

export const ErrorSchema = Type.Object(
  {
    status: Described(Status, 'The status of the refusal.'),
    schema: Type.Optional(JsonSchemaValue),
    headers: Type.Optional(
      Type.Record(Type.String(), HeaderRule, {
        description: 'Response headers the refusal must carry, such as WWW-Authenticate.',
      }),
    ),
    source: Source,
  },
  { ...closed, description: 'How the provider refuses a request in this condition.' },
);

/** The errors of a login with one credential wrong or missing (format 2). */
const CredentialErrors = Type.Object(
  {
    wrong: Type.Optional(Described(ErrorSchema, 'A login with this credential wrong (fallback `errors.badCredentials`).')),
    missing: Type.Optional(Described(ErrorSchema, 'A login without this credential (fallback `errors.malformed`).')),
  },
  {
    ...closed,
    description:
      'Format 2. How a login is refused when this credential is wrong or missing, when it differs from the spec-wide `errors.badCredentials` / `errors.malformed` (RFC 6749 §5.2: a wrong client secret is `invalid_client`, a wrong password `invalid_grant`).',
  },
);

export const ERROR_CONDITIONS = [
  'missing',
  'invalid',
  'tampered',
  'wrongScheme',
  'expired',
  'revoked',
  'companionMissing',
  'mismatched',
  'badCredentials',
  'malformed',
  'refreshInvalid',
  'loggedOut',
] as const;

const Errors = Type.Object(
  {
    missing: Described(ErrorSchema, 'A protected request without the credential.'),
    invalid: Described(ErrorSchema, 'A credential the server does not accept (also the fallback of most other conditions).'),
    tampered: Type.Optional(Described(ErrorSchema, 'The token with one character changed (fallback `invalid`).')),
    wrongScheme: Type.Optional(Described(ErrorSchema, 'The right value under another scheme (fallback `invalid`).')),
    expired: Type.Optional(Described(ErrorSchema, 'A token past its lifetime (fallback `invalid`).')),
    revoked: Type.Optional(Described(ErrorSchema, 'A token after logout or revocation (fallback `invalid`).')),
    companionMissing: Type.Optional(Described(ErrorSchema, 'A request missing a companion (fallback `missing`).')),
    mismatched: Type.Optional(
      Described(ErrorSchema, 'Parts of two different credentials presented together (fallback `invalid`).'),
    ),
    badCredentials: Described(ErrorSchema, 'A login with a wrong secret credential.'),
    malformed: Described(
      ErrorSchema,
      'A login (or token creation) whose body is not the documented shape or lacks a field.',
    ),
    refreshInvalid: Type.Optional(Described(ErrorSchema, 'A refused refresh credential (fallback `invalid`).')),
    loggedOut: Type.Optional(
      Described(ErrorSchema, 'Format 2. A token after logout, when it differs from a revoked one (fallback `revoked`).'),
    ),
  },
  {
    ...closed,
    description:
      'Error per condition. Optional conditions fall back: loggedOut to `revoked`; tampered, wrongScheme, expired, revoked, mismatched and refreshInvalid to `invalid`; companionMissing to `missing`.',
  },
);

/** The presentation errors one probe may answer differently from the spec-wide ones (format 2). */
const ProbeErrors = Type.Object(
  {
    missing: Type.Optional(Described(ErrorSchema, 'A request to this probe without the credential.')),
    invalid: Type.Optional(Described(ErrorSchema, 'A credential this probe does not accept.')),
    tampered: Type.Optional(Described(ErrorSchema, 'The token with one character changed.')),
    wrongScheme: Type.Optional(Described(ErrorSchema, 'The right value under another scheme.')),
    expired: Type.Optional(Described(ErrorSchema, 'A token past its lifetime.')),
    revoked: Type.Optional(Described(ErrorSchema, 'A token after revocation.')),
    loggedOut: Type.Optional(Described(ErrorSchema, 'A token after logout.')),
    companionMissing: Type.Optional(Described(ErrorSchema, 'A request missing a companion.')),
    mismatched: Type.Optional(Described(ErrorSchema, 'Parts of two different credentials presented together.')),
  },
  {
    ...closed,
    description:
      'How this probe refuses, where it differs from `errors`: an identity endpoint may answer an anonymous caller 200 with an empty body. A condition left out is answered as `errors` says.',
  },
);

/** The refusals of a refresh, per condition (format 2); each falls back to `errors.refreshInvalid`. */
const RefreshErrors = Type.Object(
  {
    garbage: Type.Optional(Described(ErrorSchema, 'A random refresh credential of the right shape.')),
    replayed: Type.Optional(Described(ErrorSchema, 'A refresh credential already used once, under rotation.')),
    expired: Type.Optional(Described(ErrorSchema, 'A refresh of an expired token, when `expired: refused`.')),
    afterLogout: Type.Optional(Described(ErrorSchema, 'A refresh credential of a session that was logged out.')),
  },
  {
    ...closed,
    description:
      'Format 2. How a refresh is refused, per cause, when the causes are answered differently (such as `invalid_grant` vs `token_expired`). A cause left out falls back to `errors.refreshInvalid`, then `errors.invalid`.',
  },
);

/** A success known by its status alone, such as a revocation's. */
function SuccessStatus(status: string) {
  return Type.Object({ status: Described(Status, status) }, { ...closed, description: 'Its success.' });
}

/** A success known by its status and, from format 2, its body and headers (a logout's). */
function SuccessResponse(status: string) {
  return Type.Object(
    {
      status: Described(Status, status),
      schema: Type.Optional(Described(JsonSchemaValue, `Format 2. ${JsonSchemaValue.description}`)),
      headers: Type.Optional(Type.Record(Type.String(), HeaderRule, { description: 'Format 2. Response headers it promises.' })),
    },
    { ...closed, description: 'Its success.' },
  );
}

/** A duration the spec states; `variable` names the AUTHCONFORM_<ID>_* override of a live target. */
function Seconds(description: string, variable: string) {
  return Type.Object(
    {
      seconds: Type.Integer({
        minimum: 1,
        maximum: MAX_LIFETIME_SECONDS,
        description: `In seconds, at most ${MAX_LIFETIME_SECONDS} (10 years); a live target may override it (\`AUTHCONFORM_<ID>_${variable}\`).`,
      }),
      source: Source,
    },
    { ...closed, description },
  );
}

export const SpecSchema = Type.Object(
  {
    authconform: Type.Unsafe<1 | 2>({
      type: 'integer',
      enum: [1, 2],
      description: 'Version of the spec format: 1, or 2 to use the keys marked "Format 2".',
    }),
    id: Type.String({
      pattern: '^[a-z][a-z0-9-]*$',
      description: 'Stable id: the Playwright project name and the AUTHCONFORM_<ID>_* variable prefix.',
    }),
    provider: Type.String({ minLength: 1, description: 'Human name of the provider.' }),
    document: Type.Object(
      {
        title: Type.String({ minLength: 1, description: 'Title of the provider document.' }),
        url: Type.Optional(Type.String({ format: 'uri', description: 'Where the document is published; reports link to it.' })),
        seed: Type.Optional(Type.String({ description: 'The provider document this spec is written from.' })),
      },
      { ...closed, description: 'The provider document the spec is written from.' },
    ),
    credentials: Type.Record(
      Identifier,
      Type.Object(
        {
          env: Type.String({ pattern: '^[A-Z][A-Z0-9_]*$', description: 'Environment variable holding the value for a live target.' }),
          secret: Type.Optional(Type.Boolean({ description: 'Redact this value everywhere (default true).' })),
          description: Type.Optional(Type.String({ description: 'What the value is, for the person setting the variable.' })),
          errors: Type.Optional(CredentialErrors),
        },
        closed,
      ),
      { ...closed, description: 'Named inputs. Values never appear in a spec: a live target reads them from the environment.' },
    ),
    secondAccount: Type.Optional(
      Type.Object(
        {
          credentials: Type.Record(
            Identifier,
            Type.String({ pattern: '^[A-Z][A-Z0-9_]*$', description: 'Environment variable holding the other user’s value.' }),
            {
              ...closed,
              description: 'The credentials that differ for the other user (such as username and password), each with its variable; the others are shared.',
            },
          ),
          source: Type.Optional(Source),
        },
        {
          ...closed,
          description:
            'Format 2. A second user of the same provider, so that rules between users can be judged (another user’s companion value with my token is refused).',
        },
      ),
    ),
    mock: Type.Object(
      {
        credentials: Type.Record(Identifier, Type.String(), {
          ...closed,
          description: 'FAKE demo values the embedded mock accepts. Never real credentials.',
        }),
        secondAccount: Type.Optional(
          Type.Record(Identifier, Type.String(), {
            ...closed,
            description: 'Format 2. FAKE values of the second account’s credentials (see `secondAccount`).',
          }),
        ),
      },
      { ...closed, description: 'Fake values for the embedded mock only.' },
    ),
    token: Type.Object(
      {
        part: Type.Optional(
          IdentifierFor('Which issued part (see `acquire.response.parts`) is the token; default `token`.'),
        ),
        format: StringEnum(['jwt', 'opaque'], {
          description: '`jwt` adds the JWT checks (claims, lifetime, alg none, signature); `opaque` is any string.',
        }),
        // Typed as a string: a contract built in code (a test of the mock) may name any algorithm, and
        // the mock refuses one it cannot sign when it starts; a spec file can only name these.
        alg: Type.Optional(
          Type.Unsafe<string>({
            type: 'string',
            enum: [...JWT_ALGORITHMS],
            description: 'Expected JWS alg of a JWT, e.g. HS256: one that the mock can sign and the checks can forge.',
          }),
        ),
        jwks: Type.Optional(
          Type.Object(
            {
              path: Type.String({ pattern: '^/', description: 'Its path on the server, such as /.well-known/jwks.json.' }),
              source: Source,
            },
            {
              ...closed,
              description:
                'Format 2. Where the provider publishes the public keys that verify its JWTs (an RFC 7517 JWK Set); needs an asymmetric `alg`. security.jwt-alg-confusion signs a token with the published key as an HMAC secret; the mock serves its own key there.',
            },
          ),
        ),
        signingKey: Type.Optional(
          Type.Object(
            {
              credential: IdentifierFor(
                'The credential (see `credentials`) whose value is the key that signs this target’s tokens: a test environment’s key, read from its variable on a live target and redacted like any secret. The mock signs with its fake value.',
              ),
              format: Type.Optional(
                StringEnum(['text', 'base64', 'pem', 'jwk'], {
                  description:
                    'How the value is written: `text` (the default for HS algorithms: its UTF-8 bytes are the HMAC key), `base64` (the HMAC key’s bytes in base64 or base64url), `pem` (the default otherwise: a PKCS #8 private key) or `jwk` (a private JWK as JSON).',
                }),
              ),
            },
            {
              ...closed,
              description:
                'Format 2. The key the target signs its tokens with, when the harness may know it (a test environment): the security.jwt-* claim checks sign tokens with no exp, a future nbf, another audience or issuer with it. Without it they are left out; on a live target whose variable is unset they skip, saying which to set.',
            },
          ),
        ),
        issuer: Type.Optional(
          Type.Object(
            {
              value: Type.Optional(Type.String({ minLength: 1, description: 'The `iss` every token carries; left out when it depends on the deployment (the issuer URL of a live server).' })),
              source: Source,
            },
            { ...closed, description: 'Format 2. Tokens name their issuer in `iss`, and the server refuses a token of another issuer (RFC 8725 §3.8).' },
          ),
        ),
        audience: Type.Optional(
          Type.Object(
            {
              value: Type.Optional(Type.String({ minLength: 1, description: 'The `aud` every token carries (one of them, when it is an array).' })),
              source: Source,
            },
            { ...closed, description: 'Format 2. Tokens name their audience in `aud`, and the server refuses a token for another audience (RFC 7519 §4.1.3).' },
          ),
        ),
        source: Source,
      },
      { ...closed, description: 'The primary token: which issued part it is (default `token`) and its format.' },
    ),
    acquire: Type.Object(
      {
        request: Described(RequestSchema, 'The login request.'),
        response: Described(ResponseSchema, 'A successful login: status, body schema, headers and the issued parts.'),
        alternates: Type.Optional(
          Type.Array(
            Type.Object(
              { request: Described(RequestSchema, 'The alternate request.'), source: Source },
              { ...closed, description: 'One other request that must issue the credential.' },
            ),
            { description: 'Other requests that must issue the same credential, such as client_secret_post beside client_secret_basic.' },
          ),
        ),
        cases: Type.Optional(
          Type.Array(
            Type.Object(
              {
                id: Type.String({ pattern: '^[a-z][a-z0-9-]*$', description: 'Names the case in reports.' }),
                summary: Type.String({ minLength: 1, description: 'One line describing the case, shown in reports.' }),
                set: Type.Object(
                  {
                    form: Type.Optional(
                      Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]), {
                        description: 'Form fields to replace; null removes one.',
                      }),
                    ),
                    json: Type.Optional(
                      Type.Record(Type.String(), Type.Unknown(), {
                        description: 'Top-level JSON body fields to replace; null removes one.',
                      }),
                    ),
                    query: Type.Optional(
                      Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]), {
                        description: 'Query parameters to replace; null removes one.',
                      }),
                    ),
                    headers: Type.Optional(
                      Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]), {
                        description: 'Request headers to replace; null removes one.',
                      }),
                    ),
                  },
                  { ...closed, description: 'Fields of the acquire request to replace; null removes a field.' },
                ),
                error: Described(ErrorSchema, 'The error this variation must get.'),
              },
              { ...closed, description: 'One variation of the acquire request.' },
            ),
            { description: 'Variations of the acquire request and the error each must get, such as RFC 6749 §5.2 error codes.' },
          ),
        ),
        source: Source,
      },
      { ...closed, description: 'Getting a credential.' },
    ),
    present: Type.Object(
      {
        header: Type.Optional(Type.String({ minLength: 1, description: 'The request header carrying the token (default Authorization).' })),
        field: Type.Optional(
          Type.String({ minLength: 1, description: 'Or: the form-body field carrying the token, as in RFC 7662 introspection (`token`).' }),
        ),
        query: Type.Optional(Type.String({ minLength: 1, description: 'Or: the query parameter carrying the token.' })),
        scheme: Scheme,
        schemeCase: Type.Optional(
          StringEnum(['insensitive', 'exact'], {
            description:
              'Format 2. Whether the scheme name is matched without case (`insensitive`, the default: RFC 7235 §2.1, so `bearer` and `BEARER` work too) or only as written (`exact`: other cases are refused as a wrong scheme).',
          }),
        ),
        value: Type.Optional(
          TemplateFor(
            'What is presented, a template; default `{token}` (the token part). Basic needs one, such as `{key}:{token}`.',
          ),
        ),
        companions: Type.Optional(
          Type.Array(
            Type.Object(
              {
                name: Type.String({ minLength: 1, description: 'The header or query parameter name.' }),
                value: TemplateFor('Its value, a template.'),
                in: Type.Array(StringEnum(['header', 'query']), {
                  minItems: 1,
                  uniqueItems: true,
                  description: 'Where it may go: the first is used by default, the others are alternates.',
                }),
                source: Source,
              },
              { ...closed, description: 'One companion value.' },
            ),
            { description: 'Values that travel beside the token on every protected request.' },
          ),
        ),
        source: Source,
      },
      { ...closed, description: 'Where the token goes on a request.' },
    ),
    probe: Type.Object(
      {
        request: Described(
          RequestSchema,
          'The protected request; `auth: token` (or client authentication when the token goes in a form field).',
        ),
        response: Described(
          ResponseSchema,
          'What success looks like; a `schema` can make success a predicate, such as introspection’s `active: true`.',
        ),
        source: Source,
      },
      { ...closed, description: 'A protected request that proves a credential works.' },
    ),
    probes: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: Type.String({ pattern: '^[a-z][a-z0-9-]*$', description: 'Names the probe: its checks are reported as `present.missing/<id>`.' }),
            request: Described(RequestSchema, 'The protected request; `auth: token`.'),
            response: Described(ResponseSchema, 'What success looks like with the issued credential.'),
            errors: Type.Optional(ProbeErrors),
            source: Source,
          },
          { ...closed, description: 'One more protected request.' },
        ),
        {
          minItems: 1,
          description:
            'Format 2. More protected requests beside `probe`, each with its own success and, where it differs, its own refusals; the presentation checks (present.*, errors.*) run on each.',
        },
      ),
    ),
    lifetime: Type.Optional(
      Type.Object(
        {
          ttl: Type.Optional(Seconds('Fixed lifetime from issue.', 'TTL')),
          idle: Type.Optional(Seconds('Sliding inactivity timeout, reset by each use.', 'IDLE')),
        },
        { ...closed, description: 'Fixed lifetime from issue (`ttl`) and sliding inactivity timeout (`idle`).' },
      ),
    ),
    rolling: Type.Optional(
      Type.Object(
        {
          header: Type.String({ minLength: 1, description: 'The response header carrying the new token.' }),
          scheme: Scheme,
          source: Source,
        },
        { ...closed, description: 'A fresh token handed back in a response header of every successful call.' },
      ),
    ),
    refresh: Type.Optional(
      Type.Object(
        {
          request: Described(RequestSchema, 'The refresh request (`auth: token` presents the token being refreshed).'),
          response: Described(ResponseSchema, 'Its success; `parts` names the new values.'),
          rotation: Type.Boolean({ description: 'The credential used to refresh cannot be used to refresh again.' }),
          expired: StringEnum(['allowed', 'refused'], { description: 'Whether an expired token may still be refreshed.' }),
          retiresAccess: Type.Optional(
            Type.Object(
              {
                value: Type.Boolean({ description: 'true: the replaced access token is refused after the refresh; false: it works until it expires.' }),
                source: Source,
              },
              { ...closed, description: 'Format 2. Whether a refresh retires the access token it replaces.' },
            ),
          ),
          errors: Type.Optional(RefreshErrors),
          race: Type.Optional(
            Type.Object(
              {
                live: Type.Boolean({
                  description: 'Whether refresh.race may run against a live target (it sends concurrent refreshes of one credential, which ends that session).',
                }),
              },
              {
                ...closed,
                description: 'Format 2. refresh.race sends a few concurrent refreshes of one rotating credential: exactly one may win. It runs against the mock always, against a live target only when `live` is true.',
              },
            ),
          ),
          source: Source,
        },
        { ...closed, description: 'Getting a new token from an issued credential.' },
      ),
    ),
    logout: Type.Optional(
      Type.Object(
        {
          request: Described(RequestSchema, 'The logout request.'),
          response: SuccessResponse('The status of a successful logout.'),
          source: Source,
        },
        { ...closed, description: 'Ends the session of the presented token.' },
      ),
    ),
    tokens: Type.Optional(
      Type.Object(
        {
          create: Type.Object(
            {
              request: Described(
                RequestSchema,
                'The creation request; with a chosen expiry (`expiry.mode: chosen`, the default) it must use the `expiry.var` placeholder.',
              ),
              response: Described(
                ResponseSchema,
                'A successful creation; its parts must include the token. With `expiry.mode: server` a part of kind `expires-at` or `expires-in` reports the expiry the server picked.',
              ),
              expiry: Type.Object(
                {
                  mode: Type.Optional(
                    StringEnum(EXPIRY_MODES, {
                      description:
                        'Format 2. Who decides when a long-lived token expires: `chosen` (default), the client at creation, through `var`; `server`, the server picks it (the create response may report it through an expires-at or expires-in part); `never`, it stays valid until revoked (as npm automation tokens).',
                    }),
                  ),
                  var: Type.Optional(
                    IdentifierFor('For `mode: chosen` (and required then): the placeholder the harness fills with the chosen expiration, such as `expiresAt`.'),
                  ),
                  format: Type.Optional(
                    StringEnum(['iso8601', 'unix'], { description: 'For `mode: chosen` (and required then): how the chosen expiration is written.' }),
                  ),
                  required: Type.Optional(
                    Type.Boolean({ description: 'For `mode: chosen` (and required then): whether a token cannot be created without an expiration.' }),
                  ),
                  source: Source,
                },
                { ...closed, description: 'When a long-lived token expires: chosen at creation (the placeholder that carries it), picked by the server, or never.' },
              ),
              source: Source,
            },
            { ...closed, description: 'Creating a long-lived token.' },
          ),
          list: Type.Object(
            {
              request: Described(RequestSchema, 'The list request.'),
              response: Described(ResponseSchema, 'A successful list.'),
              items: Type.String({ pattern: '^(/.*)?$', description: 'JSON pointer to the array of tokens.' }),
              fields: Type.Object(
                {
                  id: Type.String({ pattern: '^/', description: 'JSON pointer to the token’s id inside one item.' }),
                  expiration: Type.Optional(
                    Type.String({ pattern: '^/', description: 'JSON pointer to its expiration inside one item.' }),
                  ),
                },
                { ...closed, description: 'JSON pointers inside one listed item.' },
              ),
              source: Source,
            },
            { ...closed, description: 'Listing the user’s long-lived tokens.' },
          ),
          rotate: Type.Optional(
            Type.Object(
              {
                request: Type.Optional(Described(RequestSchema, 'The rotation request (with `response`; or give `by`).')),
                response: Type.Optional(Described(ResponseSchema, 'A successful rotation; its parts name the new token.')),
                by: Type.Optional(
                  Type.Array(StringEnum(ROTATE_STEPS), {
                    minItems: 2,
                    maxItems: 2,
                    uniqueItems: true,
                    description:
                      'Format 2. Rotation as a sequence of the requests above instead of one request of its own: `[create, revoke]` creates a new token (with the same chosen expiration) and then revokes the old one.',
                  }),
                ),
                source: Source,
              },
              {
                ...closed,
                description: 'Replacing a long-lived token by a new one with the same expiration: one request (`request` and `response`), or a sequence (`by`).',
              },
            ),
          ),
          revoke: Type.Object(
            {
              request: Described(RequestSchema, 'The revocation request (`{id}` is the created token’s id part).'),
              response: SuccessStatus('The status of a successful revocation.'),
              source: Source,
            },
            { ...closed, description: 'Revoking one long-lived token.' },
          ),
        },
        { ...closed, description: 'Long-lived tokens created, listed, rotated and revoked by the user.' },
      ),
    ),
    errors: Errors,
    security: Type.Optional(
      Type.Object(
        {
          levels: Type.Optional(
            Type.Record(
              Type.String({ pattern: '^security\\.[a-z0-9-]+$' }),
              StringEnum(['MUST', 'SHOULD', 'off'], { description: 'MUST or SHOULD, or `off` to leave the check out for this provider.' }),
              {
                ...closed,
                description: 'The level of a security baseline check for this provider (they are SHOULD by default), by check id: `security.weak-hmac-secret: MUST`.',
              },
            ),
          ),
          hmacCandidates: Type.Optional(
            Type.Array(Type.String(), {
              description: 'More secrets to try against an HMAC-signed token, beyond the bundled list of well-known and weak ones (a framework default this provider is known to ship).',
            }),
          ),
        },
        { ...closed, description: 'The security baseline: checks every token-issuing API should pass, whatever its contract says.' },
      ),
    ),
  },
  {
    ...closed,
    $id: 'https://authconform.dev/schema/authconform-spec.schema.json',
    title: 'authconform spec',
    description: "An API provider's authentication contract.",
  },
);

/** A spec as written in YAML. */
export type ContractSpec = Static<typeof SpecSchema>;
export type RequestSpec = Static<typeof RequestSchema>;
export type ResponseSpec = Static<typeof ResponseSchema>;
export type PartSpec = Static<typeof PartSchema>;
export type ErrorSpec = Static<typeof ErrorSchema>;
export type InlineAuth = Static<typeof InlineAuthSchema>;
export type ErrorCondition = (typeof ERROR_CONDITIONS)[number];
export type AcquireCase = NonNullable<ContractSpec['acquire']['cases']>[number];

/** The JSON Schema document published for editors. */
export function specJsonSchema(): TSchema {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...JSON.parse(JSON.stringify(SpecSchema)) };
}
