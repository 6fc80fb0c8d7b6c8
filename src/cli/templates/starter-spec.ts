/**
 * The starter spec `authconform new` writes: every required section filled with placeholders that load
 * and that the embedded mock serves, so a newcomer starts green and changes one thing at a time. Its
 * `source` values say TODO, and lint lists each until it cites the provider's document.
 * Each optional section is written commented out; `enable` writes it live instead, which is how the
 * tests prove that every commented example is itself a valid spec once uncommented.
 */

/** The optional sections, in the order they appear in the starter. */
export const OPTIONAL_SECTIONS = ['alternates', 'cases', 'lifetime', 'rolling', 'refresh', 'logout', 'tokens'] as const;
export type OptionalSection = (typeof OPTIONAL_SECTIONS)[number];

export interface StarterOptions {
  /** The spec id (already checked against ^[a-z][a-z0-9-]*$). */
  readonly id: string;
  /** The `$schema` reference of the modeline, relative to the written file. */
  readonly schemaRef: string;
  /** Optional sections to write uncommented (the error conditions they bring come with them). */
  readonly enable?: readonly OptionalSection[];
}

/** `my-api` → `MY_API`: the prefix of the spec's own credential variables. */
function envStem(id: string): string {
  return id.toUpperCase().replace(/-/g, '_');
}

/** `my-api` → `My Api`: a readable placeholder for the provider's name. */
function providerName(id: string): string {
  return id
    .split('-')
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

/**
 * A block of YAML, commented out unless enabled. The `#` goes at the block's own indentation, so
 * uncommenting is deleting "# " after the leading spaces, as editors' toggle-comment does.
 */
function optional(enabled: boolean, indent: string, block: string): string {
  const lines = block.replace(/^\n/, '').replace(/\n$/, '').split('\n');
  if (enabled) return lines.join('\n');
  return lines.map((l) => (l.trim() === '' ? `${indent}#` : `${indent}# ${l.slice(indent.length)}`)).join('\n');
}

export function starterSpec(options: StarterOptions): string {
  const { id, schemaRef } = options;
  const on = new Set(options.enable ?? []);
  const stem = envStem(id);
  const prefix = `AUTHCONFORM_${stem}`;

  return `# yaml-language-server: $schema=${schemaRef}
#
# The authentication contract of ${providerName(id)}: how a token is obtained, where it goes on a request,
# when it expires, how it is refreshed and revoked, and what the errors look like.
#
# Its mock serves this starter as written, so you start green. Make it describe the provider one
# section at a time and lint as you go (the guide: docs/writing-a-spec.md):
#   - replace every TODO; each \`source\` wants the sentence of the provider's document the rule comes
#     from, quoted, or an RFC clause such as "RFC 6750 §3.1". Reports cite it; lint lists those left;
#   - where the document is silent and you choose a value, say so in a "# choice:" comment;
#   - optional sections are commented out: uncomment (and adapt) those the document describes,
#     delete the others.
# Editors with the YAML language server complete and check every key from the schema named above.

# Version of the spec format: 2 (a format 1 spec stays valid; 2 adds the keys the guide marks "format 2").
authconform: 2
# Stable id: the Playwright project (--project=${id}) and the prefix of the ${prefix}_* variables.
id: ${id}
# TODO: the provider's name, as reports show it.
provider: ${providerName(id)}
document:
  # TODO: the title of the provider document this spec is written from.
  title: ${providerName(id)} authentication
  # Optional: where the document is published (an absolute URL); reports link to it.
  # url: https://docs.example.com/authentication
  # Optional: the copy of the document kept beside the specs.
  # seed: seeds/${id}.txt

# Named inputs of the login, used as {placeholders} in requests. A spec never holds their values: for
# a live server each is read from the environment variable \`env\` names. Secrets (the default) are
# redacted everywhere; \`secret: false\` marks a value reports may show, such as a user name.
credentials:
  username: { env: ${stem}_USERNAME, secret: false, description: The account's user name. }
  password: { env: ${stem}_PASSWORD, description: The account's password. }

# FAKE demo values, accepted by the embedded mock only: one per credential above.
# Never put real credentials in a spec.
mock:
  credentials:
    username: demo-user
    password: fake-password-for-the-mock

# The token the provider issues.
token:
  # \`opaque\` (any string) or \`jwt\`, which adds the JWT checks (claims, lifetime, alg none, signature).
  format: opaque
  # For a JWT, the signing algorithm it must use:
  # alg: HS256
  # Which issued part (see acquire.response.parts) is the token; default \`token\`.
  # part: token
  source: 'TODO: paste the sentence of the document that describes the token.'

# Getting a token: the login.
acquire:
  request:
    # TODO: the method and path of the login, as the document gives them.
    method: POST
    path: /api/login
    # The body: \`json\` (every string in it is a template) or \`form\` (application/x-www-form-urlencoded).
    body:
      json: { username: '{username}', password: '{password}' }
    # Optional: client authentication such as HTTP Basic (declare clientId and clientSecret under
    # credentials first; see specs/oauth2.yaml):
    # auth: { header: Authorization, scheme: Basic, value: '{clientId}:{clientSecret}' }
    # Optional: \`headers\` and \`query\` (templates). A fixed one, which the example under \`cases\`
    # below varies (uncomment the two together):
${optional(on.has('cases'), '    ', `
    headers: { X-Client-Version: '2' }
`)}
  response:
    # The status of a successful login.
    status: 200
    # A JSON Schema of the body, checked on every login. \`const\` and \`examples\` shape what the mock sends.
    schema:
      type: object
      required: [token]
      properties:
        token: { type: string, minLength: 1 }
    # Issued values and where each is found: \`pointer\` into the JSON body ('' when the body is the
    # token itself, a bare JSON string) or \`header\`. \`kind\`: secret (default, redacted), id,
    # expires-at (with format: iso8601 or unix) or expires-in (seconds).
    parts:
      token: { pointer: /token }
    # Optional: headers the response must carry, a pattern and the example the mock sends:
    # headers:
    #   Cache-Control: { pattern: 'no-store', example: no-store }
  # Optional: other requests that must issue the same kind of token, such as the same login with a
  # form body, or client_secret_post beside client_secret_basic in specs/oauth2.yaml.
${optional(on.has('alternates'), '  ', `
  alternates:
    - request:
        method: POST
        path: /api/login
        body:
          form: { username: '{username}', password: '{password}' }
      source: 'TODO: paste the sentence that says the login also accepts a form body.'
`)}
  # Optional: variations of the login and the error each must get, such as the RFC 6749 §5.2 error
  # codes in specs/oauth2.yaml. \`set\` replaces fields of the request (\`json\`, \`form\`, \`query\`,
  # \`headers\`); null removes one. The mock tells a case by a fixed value of the request that it
  # changes (not a {placeholder}): this one changes the X-Client-Version header above.
${optional(on.has('cases'), '  ', `
  cases:
    - id: unsupported-client-version
      summary: a login from a client version the server no longer supports is refused
      set: { headers: { X-Client-Version: '1' } }
      error:
        status: 400
        schema:
          type: object
          required: [error]
          properties:
            error: { const: unsupported_client_version }
        source: 'TODO: paste the sentence that says which error this variation gets.'
`)}
  source: 'TODO: paste the sentence of the document that says how to log in.'

# Where the token goes on a request: a request header (\`header\`, default Authorization), or instead
# a form field (\`field\`) or a query parameter (\`query\`), both with scheme: none.
present:
  # \`Bearer\` (Bearer <token>), \`Basic\` (Basic base64(value)) or \`none\` (the raw value, no scheme).
  scheme: Bearer
  # Optional: what is sent, a template; default '{token}'. Basic needs one, such as '{key}:{token}'.
  # value: '{key}:{token}'
  # Optional: values that must travel beside the token, each with the placements it may take (the
  # first is the default), as in specs/identity-credentials.yaml:
  # companions:
  #   - name: x-api-key
  #     value: '{apiKey}'
  #     in: [header]
  #     source: 'TODO: paste the sentence that asks for this value on every request.'
  source: 'TODO: paste the sentence of the document that says how to send the token.'

# A protected request that proves a token works. Choose one that changes nothing on the server.
probe:
  request:
    # TODO: a read-only endpoint of the provider that needs the token.
    method: GET
    path: /api/me
    # \`token\`: present the token as \`present\` says (with its companions).
    auth: token
  response:
    status: 200
  source: 'TODO: paste the sentence of the document that describes this request.'

# Optional: more protected requests, each judged by every presentation check (reported as
# present.missing/<id>), with its own refusals where they differ from \`errors\` (an identity endpoint
# that answers an anonymous caller 200 with an empty body).
# probes:
#   - id: session
#     request: { method: GET, path: /api/session, auth: token }
#     response: { status: 200, schema: { type: object, required: [user] } }
#     errors:
#       missing: { status: 200, schema: { type: 'null' }, source: 'TODO: the sentence that says so.' }
#     source: 'TODO: paste the sentence of the document that describes this request.'

# Optional: how long a token lives. \`ttl\`: a fixed lifetime from issue; \`idle\`: a sliding timeout
# that each use resets (specs/vidizmo.yaml). Either or both, in seconds.
${optional(on.has('lifetime'), '', `
lifetime:
  ttl:
    seconds: 3600
    source: 'TODO: paste the sentence that gives the lifetime.'
`)}

# Optional: a fresh token handed back in a response header of every successful call (specs/waldo.yaml).
# For an opaque token, lifetime.ttl is what lets the check prove the new token outlives the old one.
${optional(on.has('rolling'), '', `
rolling:
  header: Authorization
  scheme: Bearer
  source: 'TODO: paste the sentence that says a new token comes back with each response.'
`)}

# Optional: getting a new token before (or after) the old one expires. \`auth: token\` presents the
# token being refreshed (specs/vidizmo.yaml); a provider that issues a refresh token declares it as
# a part of acquire.response and sends '{refresh}' in the body instead (specs/basic-key-token.yaml).
${optional(on.has('refresh'), '', `
refresh:
  request:
    method: POST
    path: /api/token/refresh
    auth: token
  response:
    status: 200
    schema:
      type: object
      required: [token]
      properties:
        token: { type: string, minLength: 1 }
    parts:
      token: { pointer: /token }
  rotation: true
  expired: refused
  source: 'TODO: paste the sentence that says how to refresh a token.'
`)}

# Optional: ending the session of the presented token.
${optional(on.has('logout'), '', `
logout:
  request:
    method: POST
    path: /api/logout
    auth: token
  response:
    status: 204
  source: 'TODO: paste the sentence that says how to log out.'
`)}

# Optional: long-lived tokens the user creates with a chosen expiration, lists and revokes
# (specs/private-tokens.yaml). \`expiry.var\` names the placeholder the harness fills with that expiration.
${optional(on.has('tokens'), '', `
tokens:
  create:
    request:
      method: POST
      path: /api/tokens
      auth: token
      body:
        json: { name: 'authconform-{run}', expiresAt: '{expiresAt}' }
    response:
      status: 201
      schema:
        type: object
        required: [id, token, expiresAt]
        properties:
          id: { type: string, minLength: 1 }
          token: { type: string, minLength: 1 }
          expiresAt: { type: string, format: date-time }
      parts:
        id: { pointer: /id, kind: id }
        token: { pointer: /token }
        expiresAt: { pointer: /expiresAt, kind: expires-at, format: iso8601 }
    expiry:
      var: expiresAt
      format: iso8601
      required: true
      source: 'TODO: paste the sentence about the expiration of these tokens.'
    source: 'TODO: paste the sentence that says how to create such a token.'
  list:
    request:
      method: GET
      path: /api/tokens
      auth: token
    response:
      status: 200
      schema:
        type: object
        required: [items]
        properties:
          items: { type: array }
    items: /items
    fields: { id: /id, expiration: /expiresAt }
    source: 'TODO: paste the sentence that says how to list them.'
  revoke:
    request:
      method: DELETE
      path: /api/tokens/{id}
      auth: token
    response:
      status: 204
    source: 'TODO: paste the sentence that says how to revoke one.'
`)}

# How the provider refuses a request, per condition: a status, and optionally a JSON Schema of the
# body and the headers it must carry. \`missing\`, \`invalid\`, \`badCredentials\` and \`malformed\`
# are required; the others fall back (see the comments below).
errors:
  # A protected request without the token.
  missing:
    status: 401
    headers:
      WWW-Authenticate: { pattern: '^Bearer\\b', example: 'Bearer realm="${id}"' }
    # &error names this schema so the other conditions can reuse it as *error.
    schema: &error
      type: object
      required: [error]
      properties:
        error: { type: string, examples: [unauthorized] }
    source: 'TODO: paste the sentence about a request without a token.'
  # A token the server does not know (also the fallback of tampered, wrongScheme, expired, revoked,
  # mismatched and refreshInvalid).
  invalid:
    status: 401
    headers:
      WWW-Authenticate: { pattern: '^Bearer\\b', example: 'Bearer realm="${id}", error="invalid_token"' }
    schema: *error
    source: 'TODO: paste the sentence about an invalid token.'
  # A login with a wrong password (or other secret credential).
  badCredentials:
    status: 401
    schema: *error
    source: 'TODO: paste the sentence about a failed login.'
  # A login whose body is not the documented shape or lacks a credential.
  malformed:
    status: 400
    schema: *error
    source: 'TODO: paste the sentence about a malformed request.'
  # Optional, when they differ from \`invalid\`: tampered, wrongScheme; with lifetime or tokens:
${optional(on.has('lifetime') || on.has('tokens'), '  ', `
  expired:
    status: 401
    schema: *error
    source: 'TODO: paste the sentence about an expired token.'
`)}
  # With logout or tokens:
${optional(on.has('logout') || on.has('tokens'), '  ', `
  revoked:
    status: 401
    schema: *error
    source: 'TODO: paste the sentence about a token used after logout or revocation.'
`)}
  # With refresh:
${optional(on.has('refresh'), '  ', `
  refreshInvalid:
    status: 401
    schema: *error
    source: 'TODO: paste the sentence about a refused refresh.'
`)}
  # With present.companions: companionMissing (fallback \`missing\`); with a two-part present.value
  # such as '{key}:{token}': mismatched.
`;
}
