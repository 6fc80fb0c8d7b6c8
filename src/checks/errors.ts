/**
 * errors.*: the shape of each distinct error a credential can provoke. The security checks
 * (present.*, jwt.*) judge only that a forged, altered or missing credential is refused with the
 * documented status; what the refusal looks like — the body matching its schema, the documented
 * headers — is judged here, once per error the contract declares, so a server whose error bodies
 * differ from the contract shows one finding per error object instead of a red in every security
 * check. Each provocation is preceded by a positive control.
 */
import { errorFor, type Contract, type ErrorCondition } from '../contract/model.js';
import type { HttpResponse } from '../http/client.js';
import { presentedSecretParts } from './alter.js';
import type { Check } from './check.js';
import type { CheckContext } from './context.js';
import { control, mustAcquire, mustRefuse, probe, type Credential } from './flows.js';
import { garbageVariant, mismatchedProbe, tamperedVariant, wrongSchemes, presentedValue } from './present.js';
import { pass } from './run.js';

interface Provocation {
  readonly condition: ErrorCondition;
  readonly id: string;
  /** What provokes the error, as a phrase. */
  readonly what: string;
  applies(contract: Contract): boolean;
  provoke(ctx: CheckContext, credential: Credential): Promise<HttpResponse>;
}

/** The error is declared under its own name rather than answered by another's entry (that one has its own check). */
const declared = (c: Contract, condition: ErrorCondition): boolean => errorFor(c, condition).declaredAs === condition;

const PROVOCATIONS: readonly Provocation[] = [
  {
    condition: 'invalid',
    id: 'errors.invalid',
    what: 'a random credential of the right shape',
    applies: () => true,
    provoke: (ctx, credential) => probe(ctx, credential, garbageVariant(ctx, credential), 'probe with a random credential of the same shape'),
  },
  {
    condition: 'missing',
    id: 'errors.missing',
    what: 'a request without the credential',
    applies: (c) => declared(c, 'missing'),
    provoke: (ctx, credential) => probe(ctx, credential, { omit: true }, `probe without the ${ctx.contract.present.name} header`),
  },
  {
    condition: 'tampered',
    id: 'errors.tampered',
    what: 'the token with one character changed',
    applies: (c) => declared(c, 'tampered'),
    provoke: (ctx, credential) => {
      const { variant, where } = tamperedVariant(ctx, credential);
      return probe(ctx, credential, variant, `probe with the token with ${where}`);
    },
  },
  {
    condition: 'wrongScheme',
    id: 'errors.wrong-scheme',
    what: 'the credential under another scheme',
    applies: (c) => declared(c, 'wrongScheme'),
    provoke: (ctx, credential) => {
      const [first] = wrongSchemes(ctx.contract, presentedValue(ctx, credential));
      return probe(ctx, credential, first?.variant ?? { scheme: 'Token' }, `probe with ${ctx.contract.present.name}: ${first?.label ?? 'another scheme'}`);
    },
  },
  {
    condition: 'companionMissing',
    id: 'errors.companion-missing',
    what: 'a request without a companion value',
    applies: (c) => declared(c, 'companionMissing') && c.present.companions.length > 0,
    provoke: (ctx, credential) => {
      const name = ctx.contract.present.companions[0]?.name ?? '';
      return probe(ctx, credential, { omitCompanion: name }, `probe without ${name}`);
    },
  },
];

function errorCheck(p: Provocation): Check {
  return {
    id: p.id,
    family: 'errors',
    level: 'MUST',
    summary: `${p.what} is answered with the documented error: its status, headers and a body matching errors.${p.condition}`,
    source: (c) => errorFor(c, p.condition).source,
    applies: p.applies,
    async run(ctx) {
      const credential = await mustAcquire(ctx);
      await control(ctx, credential);
      const res = await p.provoke(ctx, credential);
      mustRefuse(ctx, res, p.condition, p.what);
      return pass(`${res.status} with a body matching ${errorFor(ctx.contract, p.condition).label}`);
    },
  };
}

export const errorChecks: readonly Check[] = [
  ...PROVOCATIONS.map(errorCheck),
  {
    id: 'errors.mismatched',
    family: 'errors',
    level: 'MUST',
    summary: 'parts of two different sessions presented together are answered with the documented error: status, headers and body',
    source: (c) => errorFor(c, 'mismatched').source,
    applies: (c) => declared(c, 'mismatched') && presentedSecretParts(c).length >= 2,
    async run(ctx) {
      const { res, what } = await mismatchedProbe(ctx);
      mustRefuse(ctx, res, 'mismatched', what);
      return pass(`${res.status} with a body matching errors.mismatched`);
    },
  },
];
