/**
 * The spec format, v1: the one source of truth.
 *
 * The JSON Schema that editors and the loader use (`schema/authconform-spec.schema.json`) is generated
 * from these TypeBox definitions (`npm run schema`), and the TypeScript type of a spec as written
 * (`ContractSpec`) is derived from the same definitions, so the two cannot drift. A test fails when
 * the committed JSON file is out of date.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const closed = { additionalProperties: false } as const;

const Source = Type.String({
  minLength: 1,
  description:
    'Where this rule comes from: the sentence of the provider document (quoted) or an RFC clause such as "RFC 6749 §5.2". Reports cite it.',
});

const Template = Type.String({
  description:
    'Text with {name} placeholders. A name is a credential (see `credentials`), an issued part (see `parts`) or a value the harness chooses (such as a custom expiry).',
});

const Identifier = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'A name usable as a {placeholder}.' });

/** A string enum as plain JSON Schema `enum` (clearer errors than a union of literals). */
function StringEnum<const T extends readonly string[]>(values: T, options: { description?: string } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

const Method = StringEnum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], { description: 'HTTP method.' });

const Status = Type.Integer({ minimum: 100, maximum: 599, description: 'HTTP status code.' });

const JsonSchemaValue = Type.Record(Type.String(), Type.Unknown(), {
  description:
    'A JSON Schema (draft 2020-12 subset understood by ajv) of the body. `const` pins named values; `examples` give the mock values to send.',
});

const Scheme = StringEnum(['Bearer', 'Basic', 'none'], {
  description: '`Bearer <value>`, `Basic base64(<value>)`, or `none` (the raw value with no scheme).',
});

export const InlineAuthSchema = Type.Object(
  {
    header: Type.String({ minLength: 1, default: 'Authorization' }),
    scheme: Scheme,
    value: Template,
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

export const ResponseSchema = Type.Object(
  {
    status: Status,
    schema: Type.Optional(JsonSchemaValue),
    headers: Type.Optional(
      Type.Record(
        Type.String(),
        Type.Object(
          {
            pattern: Type.String({ description: 'A regular expression the header value must match.' }),
            example: Type.String({ description: 'The value the mock sends; must match `pattern`.' }),
          },
          closed,
        ),
        { description: 'Response headers the contract promises.' },
      ),
    ),
    parts: Type.Optional(Type.Record(Identifier, PartSchema, { ...closed, description: 'Issued values and where they are.' })),
  },
  { ...closed, description: 'What a successful response looks like.' },
);

const Exchange = Type.Object(
  { request: RequestSchema, response: ResponseSchema, source: Source },
  closed,
);

export const ErrorSchema = Type.Object(
  {
    status: Status,
    schema: Type.Optional(JsonSchemaValue),
    headers: Type.Optional(
      Type.Record(
        Type.String(),
        Type.Object({ pattern: Type.String(), example: Type.String() }, closed),
      ),
    ),
    source: Source,
  },
  { ...closed, description: 'How the provider refuses a request in this condition.' },
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
] as const;

const Errors = Type.Object(
  {
    missing: ErrorSchema,
    invalid: ErrorSchema,
    tampered: Type.Optional(ErrorSchema),
    wrongScheme: Type.Optional(ErrorSchema),
    expired: Type.Optional(ErrorSchema),
    revoked: Type.Optional(ErrorSchema),
    companionMissing: Type.Optional(ErrorSchema),
    mismatched: Type.Optional(ErrorSchema),
    badCredentials: ErrorSchema,
    malformed: ErrorSchema,
    refreshInvalid: Type.Optional(ErrorSchema),
  },
  {
    ...closed,
    description:
      'Error per condition. Optional conditions fall back: tampered, wrongScheme, expired, revoked, mismatched and refreshInvalid to `invalid`; companionMissing to `missing`.',
  },
);

const Seconds = Type.Object(
  { seconds: Type.Integer({ minimum: 1 }), source: Source },
  closed,
);

export const SpecSchema = Type.Object(
  {
    authconform: Type.Literal(1, { description: 'Version of the spec format.' }),
    id: Type.String({
      pattern: '^[a-z][a-z0-9-]*$',
      description: 'Stable id: the Playwright project name and the AUTHCONFORM_<ID>_* variable prefix.',
    }),
    provider: Type.String({ minLength: 1, description: 'Human name of the provider.' }),
    document: Type.Object(
      {
        title: Type.String({ minLength: 1 }),
        url: Type.Optional(Type.String({ format: 'uri' })),
        seed: Type.Optional(Type.String({ description: 'The provider document this spec is written from.' })),
      },
      closed,
    ),
    credentials: Type.Record(
      Identifier,
      Type.Object(
        {
          env: Type.String({ pattern: '^[A-Z][A-Z0-9_]*$', description: 'Environment variable holding the value for a live target.' }),
          secret: Type.Optional(Type.Boolean({ description: 'Redact this value everywhere (default true).' })),
          description: Type.Optional(Type.String()),
        },
        closed,
      ),
      { ...closed, description: 'Named inputs. Values never appear in a spec: a live target reads them from the environment.' },
    ),
    mock: Type.Object(
      {
        credentials: Type.Record(Identifier, Type.String(), {
          ...closed,
          description: 'FAKE demo values the embedded mock accepts. Never real credentials.',
        }),
      },
      { ...closed, description: 'Fake values for the embedded mock only.' },
    ),
    token: Type.Object(
      {
        part: Type.Optional(Identifier),
        format: StringEnum(['jwt', 'opaque']),
        alg: Type.Optional(Type.String({ description: 'Expected JWS alg of a JWT, e.g. HS256.' })),
        source: Source,
      },
      { ...closed, description: 'The primary token: which issued part it is (default `token`) and its format.' },
    ),
    acquire: Type.Object(
      {
        request: RequestSchema,
        response: ResponseSchema,
        alternates: Type.Optional(
          Type.Array(
            Type.Object({ request: RequestSchema, source: Source }, closed),
            { description: 'Other requests that must issue the same credential, such as client_secret_post beside client_secret_basic.' },
          ),
        ),
        cases: Type.Optional(
          Type.Array(
            Type.Object(
              {
                id: Type.String({ pattern: '^[a-z][a-z0-9-]*$', description: 'Names the case in reports.' }),
                summary: Type.String({ minLength: 1 }),
                set: Type.Object(
                  {
                    form: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]))),
                    json: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
                    query: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]))),
                    headers: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]))),
                  },
                  { ...closed, description: 'Fields of the acquire request to replace; null removes a field.' },
                ),
                error: ErrorSchema,
              },
              closed,
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
        value: Type.Optional(Template),
        companions: Type.Optional(
          Type.Array(
            Type.Object(
              {
                name: Type.String({ minLength: 1 }),
                value: Template,
                in: Type.Array(StringEnum(['header', 'query']), {
                  minItems: 1,
                  uniqueItems: true,
                  description: 'Where it may go: the first is used by default, the others are alternates.',
                }),
                source: Source,
              },
              closed,
            ),
          ),
        ),
        source: Source,
      },
      { ...closed, description: 'Where the token goes on a request.' },
    ),
    probe: Type.Object(
      { request: RequestSchema, response: ResponseSchema, source: Source },
      { ...closed, description: 'A protected request that proves a credential works.' },
    ),
    lifetime: Type.Optional(
      Type.Object(
        {
          ttl: Type.Optional(Seconds),
          idle: Type.Optional(Seconds),
        },
        { ...closed, description: 'Fixed lifetime from issue (`ttl`) and sliding inactivity timeout (`idle`).' },
      ),
    ),
    rolling: Type.Optional(
      Type.Object(
        { header: Type.String({ minLength: 1 }), scheme: Scheme, source: Source },
        { ...closed, description: 'A fresh token handed back in a response header of every successful call.' },
      ),
    ),
    refresh: Type.Optional(
      Type.Object(
        {
          request: RequestSchema,
          response: ResponseSchema,
          rotation: Type.Boolean({ description: 'The credential used to refresh cannot be used to refresh again.' }),
          expired: StringEnum(['allowed', 'refused'], { description: 'Whether an expired token may still be refreshed.' }),
          source: Source,
        },
        closed,
      ),
    ),
    logout: Type.Optional(
      Type.Object(
        {
          request: RequestSchema,
          response: Type.Object({ status: Status }, closed),
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
              request: RequestSchema,
              response: ResponseSchema,
              expiry: Type.Object(
                {
                  var: Identifier,
                  format: StringEnum(['iso8601', 'unix']),
                  required: Type.Boolean(),
                  source: Source,
                },
                { ...closed, description: 'The custom expiration chosen at creation: the placeholder that carries it.' },
              ),
              source: Source,
            },
            closed,
          ),
          list: Type.Object(
            {
              request: RequestSchema,
              response: ResponseSchema,
              items: Type.String({ pattern: '^(/.*)?$', description: 'JSON pointer to the array of tokens.' }),
              fields: Type.Object(
                {
                  id: Type.String({ pattern: '^/' }),
                  expiration: Type.Optional(Type.String({ pattern: '^/' })),
                },
                { ...closed, description: 'JSON pointers inside one listed item.' },
              ),
              source: Source,
            },
            closed,
          ),
          rotate: Type.Optional(Exchange),
          revoke: Type.Object(
            { request: RequestSchema, response: Type.Object({ status: Status }, closed), source: Source },
            closed,
          ),
        },
        { ...closed, description: 'Long-lived tokens created, listed, rotated and revoked by the user.' },
      ),
    ),
    errors: Errors,
  },
  {
    ...closed,
    $id: 'https://authconform.dev/schema/authconform-spec.schema.json',
    title: 'authconform spec v1',
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
