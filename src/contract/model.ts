/**
 * The resolved contract: a spec as written (`ContractSpec`) with every default applied, plus where
 * each rule sits in its file. Everything downstream (checks, mock, suites, reports) reads this type.
 * This layer imports nothing outside `src/contract/`.
 */
import type { ContractSpec, ErrorCondition, ErrorSpec, PartSpec, RequestSpec, ResponseSpec, ROTATE_STEPS } from './schema.js';

export interface Position {
  readonly line: number;
  readonly col: number;
}

export interface Companion {
  readonly name: string;
  readonly value: string;
  /** First entry is the default placement; the rest are alternates. */
  readonly in: readonly ('header' | 'query')[];
  readonly source: string;
}

export interface Presentation {
  /** Where the token goes: a header (the usual), a form-body field or a query parameter. */
  readonly in: 'header' | 'form' | 'query';
  /** The header, field or parameter name. */
  readonly name: string;
  readonly scheme: 'Bearer' | 'Basic' | 'none';
  /** Whether the scheme name is matched without case (RFC 7235 §2.1, the default) or only as written. */
  readonly schemeCase: 'insensitive' | 'exact';
  /** Template of the credential value (before the scheme and any base64). */
  readonly value: string;
  readonly companions: readonly Companion[];
  readonly source: string;
}

export interface ResolvedError extends ErrorSpec {
  /** The condition asked for. */
  readonly condition: ErrorCondition;
  /** The condition whose entry answers it (differs when the contract falls back). */
  readonly declaredAs: ErrorCondition;
  /** Where the answering entry is written, as a JSON pointer (`/errors/invalid`, `/credentials/password/errors/wrong`). */
  readonly pointer: string;
  /** The same place as reports name it: `errors.invalid`, `credentials.password.errors.wrong`. */
  readonly label: string;
}

/** One protected request of the contract: `probe` itself, or one of `probes`. */
export type ProbeSpec = NonNullable<ContractSpec['probes']>[number];

type TokensSpec = NonNullable<ContractSpec['tokens']>;

/**
 * When a long-lived token expires, resolved: `chosen` by the client at creation (through the `var`
 * placeholder, written in `format`, and left out only when not `required`), picked by the `server`
 * (the create response may report it), or `never` (valid until revoked).
 */
export type TokenExpiry =
  | {
      readonly mode: 'chosen';
      readonly var: string;
      readonly format: 'iso8601' | 'unix';
      readonly required: boolean;
      readonly source: string;
    }
  | { readonly mode: 'server'; readonly source: string }
  | { readonly mode: 'never'; readonly source: string };

export type RotateStep = (typeof ROTATE_STEPS)[number];

/**
 * The long-lived tokens, resolved: `rotate` is the rotation by one request of its own; a rotation by a
 * sequence of the other requests (`tokens.rotate.by` as written) is `rotateSequence` instead.
 */
export type ContractTokens = Omit<TokensSpec, 'create' | 'rotate'> & {
  readonly create: Omit<TokensSpec['create'], 'expiry'> & { readonly expiry: TokenExpiry };
  readonly rotate?: { readonly request: RequestSpec; readonly response: ResponseSpec; readonly source: string };
  readonly rotateSequence?: { readonly steps: readonly RotateStep[]; readonly source: string };
};

export type Contract = Omit<ContractSpec, 'present' | 'token' | 'probes' | 'tokens'> & {
  readonly tokens?: ContractTokens;
  /** Path of the spec file, as given to the loader. */
  readonly file: string;
  readonly token: ContractSpec['token'] & { readonly part: string };
  readonly present: Presentation;
  /** The further probes (format 2), in spec order; empty when there are none. */
  readonly probes: readonly ProbeSpec[];
  /**
   * Set on the view of a contract that judges one of `probes` (see `probeView`): its id, and where each
   * error that probe declares itself is written.
   */
  readonly probeId?: string;
  readonly errorAt?: Readonly<Partial<Record<ErrorCondition, string>>>;
  /** Position in the file of a JSON pointer into the spec, for citing a rule. */
  readonly at: (pointer: string) => Position | undefined;
};

export type { ContractSpec, ErrorCondition, ErrorSpec, PartSpec, RequestSpec, ResponseSpec };

/** `/credentials/password/errors/wrong` → `credentials.password.errors.wrong`; array indexes as `[0]`. */
export function pointerLabel(pointer: string): string {
  return pointer
    .slice(1)
    .split('/')
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((seg, i) => (/^\d+$/.test(seg) ? `[${seg}]` : i ? `.${seg}` : seg))
    .join('');
}

function resolved(spec: ErrorSpec, condition: ErrorCondition, declaredAs: ErrorCondition, pointer: string): ResolvedError {
  return { ...spec, condition, declaredAs, pointer, label: pointerLabel(pointer) };
}

const FALLBACK: Partial<Record<ErrorCondition, ErrorCondition>> = {
  tampered: 'invalid',
  wrongScheme: 'invalid',
  expired: 'invalid',
  revoked: 'invalid',
  mismatched: 'invalid',
  refreshInvalid: 'invalid',
  companionMissing: 'missing',
  loggedOut: 'revoked',
};

/** The error a contract promises for a condition, after fallbacks. */
export function errorFor(contract: Pick<Contract, 'errors'> & { readonly errorAt?: Contract['errorAt'] }, condition: ErrorCondition): ResolvedError {
  let declaredAs: ErrorCondition = condition;
  let spec = contract.errors[condition];
  while (!spec) {
    const next = FALLBACK[declaredAs];
    if (!next) throw new TypeError(`contract has no error for ${condition}`);
    declaredAs = next;
    spec = contract.errors[declaredAs];
  }
  return resolved(spec, condition, declaredAs, contract.errorAt?.[declaredAs] ?? `/errors/${declaredAs}`);
}

/**
 * The refusal of a login with one credential wrong or missing: the credential's own declaration
 * (format 2), else the spec-wide `errors.badCredentials` / `errors.malformed`.
 */
export function credentialError(contract: Pick<Contract, 'errors' | 'credentials'>, name: string, kind: 'wrong' | 'missing'): ResolvedError {
  const condition: ErrorCondition = kind === 'wrong' ? 'badCredentials' : 'malformed';
  const own = contract.credentials[name]?.errors?.[kind];
  return own ? resolved(own, condition, condition, `/credentials/${escape(name)}/errors/${kind}`) : errorFor(contract, condition);
}

export type RefreshCause = 'garbage' | 'replayed' | 'expired' | 'afterLogout';

/** The refusal of a refresh for one cause (format 2), else `errors.refreshInvalid` (then `invalid`). */
export function refreshError(contract: Pick<Contract, 'errors' | 'refresh'>, cause: RefreshCause): ResolvedError {
  const own = contract.refresh?.errors?.[cause];
  return own ? resolved(own, 'refreshInvalid', 'refreshInvalid', `/refresh/errors/${cause}`) : errorFor(contract, 'refreshInvalid');
}

/**
 * The contract as seen from one of its further probes: that probe is `probe`, and the errors it
 * declares itself replace the spec-wide ones (an identity endpoint that answers anonymous callers 200).
 * Checks judge a view exactly as they judge the contract, so every presentation rule runs on each probe.
 */
export function probeView(contract: Contract, probe: ProbeSpec): Contract {
  const index = contract.probes.indexOf(probe);
  const own = Object.entries(probe.errors ?? {}).filter(([, e]) => e !== undefined) as [ErrorCondition, ErrorSpec][];
  return {
    ...contract,
    probe: { request: probe.request, response: probe.response, source: probe.source },
    errors: { ...contract.errors, ...Object.fromEntries(own) },
    errorAt: Object.fromEntries(own.map(([condition]) => [condition, `/probes/${index}/errors/${condition}`])),
    probeId: probe.id,
  };
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The expiry the client chooses at creation of a long-lived token, when the contract has one. */
export function chosenExpiry(contract: Pick<Contract, 'tokens'>): Extract<TokenExpiry, { mode: 'chosen' }> | undefined {
  const expiry = contract.tokens?.create.expiry;
  return expiry?.mode === 'chosen' ? expiry : undefined;
}

/** Every issued-part declaration of the contract, by name (a name may be issued by several exchanges). */
export function issuedParts(contract: Contract): Map<string, PartSpec> {
  const out = new Map<string, PartSpec>();
  const responses = [
    contract.acquire.response,
    contract.refresh?.response,
    contract.tokens?.create.response,
    contract.tokens?.rotate?.response,
  ];
  for (const r of responses) for (const [name, part] of Object.entries(r?.parts ?? {})) if (!out.has(name)) out.set(name, part);
  return out;
}

/** Names whose values must never be shown: secret credentials and secret issued parts. */
export function secretNames(contract: Contract): Set<string> {
  const out = new Set<string>();
  for (const [name, c] of Object.entries(contract.credentials)) if (c.secret !== false) out.add(name);
  for (const [name, p] of issuedParts(contract)) if ((p.kind ?? 'secret') === 'secret') out.add(name);
  return out;
}

/** Names the harness provides itself, usable in any template. */
export const HARNESS_VARS = ['run'] as const;
