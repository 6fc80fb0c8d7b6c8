/**
 * The resolved contract: a spec as written (`ContractSpec`) with every default applied, plus where
 * each rule sits in its file. Everything downstream (checks, mock, suites, reports) reads this type.
 * This layer imports nothing outside `src/contract/`.
 */
import type { ContractSpec, ErrorCondition, ErrorSpec, PartSpec, RequestSpec, ResponseSpec } from './schema.js';

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
}

export type Contract = Omit<ContractSpec, 'present' | 'token'> & {
  /** Path of the spec file, as given to the loader. */
  readonly file: string;
  readonly token: ContractSpec['token'] & { readonly part: string };
  readonly present: Presentation;
  /** Position in the file of a JSON pointer into the spec, for citing a rule. */
  readonly at: (pointer: string) => Position | undefined;
};

export type { ContractSpec, ErrorCondition, ErrorSpec, PartSpec, RequestSpec, ResponseSpec };

const FALLBACK: Partial<Record<ErrorCondition, ErrorCondition>> = {
  tampered: 'invalid',
  wrongScheme: 'invalid',
  expired: 'invalid',
  revoked: 'invalid',
  mismatched: 'invalid',
  refreshInvalid: 'invalid',
  companionMissing: 'missing',
};

/** The error a contract promises for a condition, after fallbacks. */
export function errorFor(contract: Pick<Contract, 'errors'>, condition: ErrorCondition): ResolvedError {
  let declaredAs: ErrorCondition = condition;
  let spec = contract.errors[condition];
  while (!spec) {
    const next = FALLBACK[declaredAs];
    if (!next) throw new TypeError(`contract has no error for ${condition}`);
    declaredAs = next;
    spec = contract.errors[declaredAs];
  }
  return { ...spec, condition, declaredAs };
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
