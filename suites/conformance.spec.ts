/**
 * The conformance suite: for every spec, a pre-flight of its target, then one test per applicable
 * check. Playwright is only the presentation layer here — the checks are the library in src/checks,
 * run by runCheck.
 *
 * Three outcomes are kept apart: a finding (the server broke a rule: the test fails), a broken target
 * (it could not be judged: the pre-flight test fails once with the reason and the fix, and every check
 * is skipped as not judged, annotated `verdict: broken`), and a skip (unobservable here, with why).
 *
 * A check the project's server is known to break (its `knownBreaches`, fixtures/third-party/registry.ts)
 * is judged as any other, and its finding is an expected failure (`test.fail`) with the reason: the
 * reports show it as a known breach, and a pass as an expected failure that did not happen.
 */
import { basename, extname } from 'node:path';
import type { TestInfo } from '@playwright/test';
import type { Verdict } from '../src/checks/check.js';
import { checksFor } from '../src/checks/catalog.js';
import { preflight } from '../src/checks/preflight.js';
import { runCheck } from '../src/checks/run.js';
import { specFiles } from '../src/contract/discover.js';
import { formatProblem } from '../src/contract/errors.js';
import { ANNOTATION, BROKEN } from '../src/report/annotations.js';
import { describeTest, labelOutcome } from '../src/report/describe-test.js';
import { verdictText } from '../src/report/verdict-text.js';
import { runSettings } from '../src/target/env.js';
import { specTag } from '../src/report/tags.js';
import { test } from '../fixtures/conformance.js';
import { runContracts } from '../fixtures/run-contracts.js';

/** An error whose stack is its message: the verdict says everything, a stack trace would only add noise. */
class ConformanceFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConformanceFailure';
    this.stack = message;
  }
}

/** The target could not be judged: not a finding about the server. */
class TargetBroken extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetBroken';
    this.stack = message;
  }
}

async function broken(testInfo: TestInfo): Promise<void> {
  testInfo.annotations.push({ type: ANNOTATION.verdict, description: BROKEN });
  await labelOutcome('broken');
}

/** Why a provider's checks were not judged: its pre-flight's finding, in one sentence. */
function notJudged(id: string, verdict: Verdict): string {
  const why = verdict.status === 'fail' ? verdict.actual : verdict.status === 'skip' ? verdict.reason : 'its pre-flight did not pass';
  return `${id} could not be judged (none of its checks ran): ${why}`;
}

/** Marks a judged check as one the server is known to break: its failure is expected, with the reason. */
function expectBreach(testInfo: TestInfo, reason: string): void {
  testInfo.annotations.push({ type: ANNOTATION.knownBreach, description: reason });
  test.fail(true, `known breach: ${reason}`);
}

async function attachExchanges(testInfo: TestInfo, verdict: Verdict): Promise<void> {
  if (!verdict.exchanges.length) return;
  await testInfo.attach('exchanges.json', { body: JSON.stringify(verdict.exchanges, null, 2), contentType: 'application/json' });
}

for (const { file, result } of runContracts(specFiles(runSettings().specsDir))) {
  const { contract, problems } = result;
  const id = contract?.id ?? basename(file, extname(file));
  test.describe(id, { tag: specTag(id) }, () => {
    if (!contract) {
      test('spec is valid', async ({}, testInfo) => {
        await broken(testInfo);
        const [first, ...more] = problems.map(formatProblem);
        throw new TargetBroken(`${id} could not be judged: its spec is invalid: ${first ?? file}${more.length ? `\n${more.join('\n')}` : ''}`);
      });
      return;
    }
    // The pre-flight runs first, in the worker fixture every check uses; its test is reported last, so a
    // broken target's failure is the provider's last test and costs no worker restart.
    const checks = checksFor(contract);
    for (const check of checks) {
      test(
        `${check.id}: ${check.summary}`,
        {
          tag: [`@${check.level.toLowerCase()}`, `@${check.family}`],
          annotation: [
            { type: ANNOTATION.check, description: check.id },
            { type: ANNOTATION.level, description: check.level },
            { type: ANNOTATION.source, description: check.source(contract) },
          ],
        },
        async ({ scope, preflight: ready, knownBreaches }, testInfo) => {
          await describeTest(testInfo, check, contract, scope.target);
          if (ready.status !== 'pass') {
            await broken(testInfo);
            test.skip(true, `not judged: ${notJudged(contract.id, ready)}`);
          }
          const { verdict, slept } = await runCheck(check, scope);
          if (slept) testInfo.annotations.push({ type: ANNOTATION.slept, description: `${slept}` });
          if (verdict.status === 'pass' && verdict.detail) testInfo.annotations.push({ type: ANNOTATION.observed, description: verdict.detail });
          if (verdict.release) testInfo.annotations.push({ type: ANNOTATION.release, description: verdict.release });
          await attachExchanges(testInfo, verdict);
          const text = verdictText(check, contract, scope.target, verdict);
          if (verdict.status === 'skip') test.skip(true, verdict.reason);
          // Only a verdict about the server can be a known breach: a harness failure stays broken.
          const breach = knownBreaches[check.id];
          if (breach !== undefined && !(verdict.status === 'fail' && verdict.harness)) expectBreach(testInfo, breach);
          if (verdict.status === 'fail') {
            if (verdict.harness) {
              await broken(testInfo);
              throw new TargetBroken(text);
            }
            if (verdict.cause) testInfo.annotations.push({ type: ANNOTATION.cause, description: verdict.cause });
            await labelOutcome(breach !== undefined ? 'known breach' : check.security ? 'security finding' : 'product finding');
            throw new ConformanceFailure(text);
          }
        },
      );
    }
    // Tagged with every level and family of the provider's checks, so a run narrowed by tag still reports it.
    const tags = [...new Set(checks.flatMap((c) => [`@${c.level.toLowerCase()}`, `@${c.family}`]))];
    test(
      `${preflight.id}: ${preflight.summary}`,
      { tag: tags, annotation: [{ type: ANNOTATION.preflight, description: contract.id }] },
      async ({ scope, preflight: verdict }, testInfo) => {
        testInfo.annotations.push(
          { type: ANNOTATION.provider, description: contract.provider },
          { type: ANNOTATION.target, description: `${scope.target.kind} ${scope.target.baseUrl}` },
        );
        await attachExchanges(testInfo, verdict);
        if (verdict.status === 'pass') return;
        await broken(testInfo);
        throw new TargetBroken(notJudged(contract.id, verdict));
      },
    );
  });
}
