/**
 * Error replies, all from `errorFor(contract, condition)`: the declared status, each declared header
 * with its `example` value, and a body sampled from the declared schema on every call (so ids such as
 * an incident id are fresh). Nothing from the request ever goes into an error body: a refused
 * password or token is never repeated back (the `secret-echo` fault is the one exception).
 */
import type { Contract, ErrorCondition, ErrorSpec } from '../contract/model.js';
import { errorFor } from '../contract/model.js';
import type { TestClock } from './clock.js';
import type { Reply } from './exchange.js';
import type { ActiveFault } from './faults.js';
import { sample } from './sample.js';

export class ErrorReplies {
  readonly #contract: Contract;
  readonly #fault: ActiveFault;
  readonly #clock: TestClock;

  constructor(contract: Contract, fault: ActiveFault, clock: TestClock) {
    this.#contract = contract;
    this.#fault = fault;
    this.#clock = clock;
  }

  /** The contract's refusal for `condition`; `echo` is only used by the secret-echo fault. */
  reply(condition: ErrorCondition, echo?: Readonly<Record<string, string>>): Reply {
    const asked = this.#fault.is('expired-as-invalid') && condition === 'expired' ? 'invalid' : condition;
    const reply = this.of(errorFor(this.#contract, asked), asked, echo);
    if (this.#fault.is('wrong-error-status') && (asked === 'invalid' || asked === 'tampered')) {
      return { ...reply, status: reply.status === 422 ? 400 : 422 };
    }
    return reply;
  }

  /** The refusal an error declaration describes (a condition's, or an acquire case's). */
  of(spec: ErrorSpec, label: string, echo?: Readonly<Record<string, string>>): Reply {
    const headers: Record<string, string> = {};
    if (!this.#fault.is('missing-challenge')) for (const [name, h] of Object.entries(spec.headers ?? {})) headers[name] = h.example;
    let body: unknown = spec.schema ? sample(spec.schema, this.#clock.nowMs()) : { error: label };
    if (this.#fault.is('wrong-error-body')) body = {};
    if (echo && body !== null && typeof body === 'object' && !Array.isArray(body)) body = { ...body, submitted: { ...echo } };
    return { status: spec.status, headers, body };
  }
}
