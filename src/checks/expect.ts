/**
 * Judging one response against what the contract promises: a success (status, body schema, headers)
 * or an error condition (status, body schema, headers). Each returns undefined when the response
 * conforms, or a sentence saying what differs, so checks decide what a difference means.
 */
import type { ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Contract, ErrorCondition, ErrorSpec, ResolvedError } from '../contract/model.js';
import { errorFor } from '../contract/model.js';
import type { ResponseSpec } from '../contract/schema.js';
import type { HttpResponse } from '../http/client.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv2020) => Ajv2020;
// Draft 2020-12, as the spec format documents; the loader has already refused what strict mode would.
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

/** Differences between a body and a JSON Schema, as short phrases; empty when valid. */
export function schemaDifferences(schema: Record<string, unknown>, body: unknown): string[] {
  const validate = validatorFor(schema);
  if (validate(body)) return [];
  return (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || 'body'} ${e.message ?? 'is not valid'}`);
}

function headerDifferences(
  declared: Record<string, { pattern: string; example: string }> | undefined,
  res: HttpResponse,
): string[] {
  const out: string[] = [];
  for (const [name, h] of Object.entries(declared ?? {})) {
    const got = res.headers[name.toLowerCase()];
    if (got === undefined) out.push(`header ${name} is missing`);
    else if (!new RegExp(h.pattern).test(got)) out.push(`header ${name} does not match ${h.pattern}`);
  }
  return out;
}

function bodyOf(res: HttpResponse): { value?: unknown; problem?: string } {
  const value = res.json();
  if (value === undefined) {
    const type = res.headers['content-type'] ?? 'no content type';
    return { problem: res.text === '' ? 'the body is empty' : `the body is not JSON (${type})` };
  }
  return { value };
}

/** Compact rendering of what came back, for a verdict's `actual` (redacted before it is clipped). */
export function observed(res: HttpResponse): string {
  return res.describe();
}

/** Undefined when the response is the promised success. */
export function successProblem(res: HttpResponse, spec: Pick<ResponseSpec, 'status' | 'schema' | 'headers'>): string | undefined {
  if (res.status === 0) return `no response: ${res.error ?? 'unknown error'}`;
  const problems: string[] = [];
  if (res.status !== spec.status) problems.push(`status ${res.status} instead of ${spec.status}`);
  if (spec.schema && res.status === spec.status) {
    const { value, problem } = bodyOf(res);
    if (problem) problems.push(problem);
    else problems.push(...schemaDifferences(spec.schema, value));
  }
  if (res.status === spec.status) problems.push(...headerDifferences(spec.headers, res));
  return problems.length ? problems.join('; ') : undefined;
}

/** What an error condition looks like, as a phrase: "400 with name=ExpiredAccessTokenException". */
export function describeError(contract: Contract, condition: ErrorCondition): string {
  return describeResolved(contract, errorFor(contract, condition));
}

/** The same phrase for an error already resolved (a credential's own, a refresh cause's). */
export function describeResolved(contract: Contract, err: ResolvedError): string {
  const props = (err.schema?.properties ?? {}) as Record<string, { const?: unknown }>;
  const pinned = Object.entries(props)
    .filter(([, s]) => s && typeof s === 'object' && 'const' in s)
    .map(([k, s]) => `${k}=${String(s.const)}`);
  const headers = Object.keys(err.headers ?? {});
  const where = contract.at(err.pointer);
  const cite = where ? ` (${err.label}, ${contract.file}:${where.line})` : ` (${err.label})`;
  return `${err.status}${pinned.length ? ` with ${pinned.join(', ')}` : ''}${headers.length ? ` and ${headers.join(', ')}` : ''}${cite}`;
}

/** Undefined when the response is the contract's error for `condition`. */
export function errorProblem(contract: Contract, res: HttpResponse, condition: ErrorCondition): string | undefined {
  return errorSpecProblem(res, errorFor(contract, condition));
}

/** Undefined when the response is this error (status, body schema, headers). */
export function errorSpecProblem(res: HttpResponse, err: Pick<ErrorSpec, 'status' | 'schema' | 'headers'>): string | undefined {
  if (res.status === 0) return `no response: ${res.error ?? 'unknown error'}`;
  const problems: string[] = [];
  if (res.status !== err.status) problems.push(`status ${res.status} instead of ${err.status}`);
  if (err.schema) {
    const { value, problem } = bodyOf(res);
    if (problem) problems.push(problem);
    else problems.push(...schemaDifferences(err.schema, value));
  }
  problems.push(...headerDifferences(err.headers, res));
  return problems.length ? problems.join('; ') : undefined;
}
