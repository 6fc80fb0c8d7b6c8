/**
 * The conformance suite: for every spec, one test per applicable check. Playwright is only the
 * presentation layer here — the checks are the library in src/checks, run by runCheck.
 */
import { basename, extname } from 'node:path';
import { checksFor } from '../src/checks/catalog.js';
import { runCheck } from '../src/checks/run.js';
import { specFiles } from '../src/contract/discover.js';
import { formatProblem } from '../src/contract/errors.js';
import { describeTest } from '../src/report/describe-test.js';
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

for (const { file, result } of runContracts(specFiles(runSettings().specsDir))) {
  const { contract, problems } = result;
  const id = contract?.id ?? basename(file, extname(file));
  test.describe(id, { tag: specTag(id) }, () => {
    if (!contract) {
      test('spec is valid', () => {
        throw new ConformanceFailure(`${file} has problems:\n${problems.map(formatProblem).join('\n')}`);
      });
      return;
    }
    for (const check of checksFor(contract)) {
      test(
        `${check.id}: ${check.summary}`,
        {
          tag: [`@${check.level.toLowerCase()}`, `@${check.family}`],
          annotation: [
            { type: 'check', description: check.id },
            { type: 'level', description: check.level },
            { type: 'source', description: check.source(contract) },
          ],
        },
        async ({ scope }, testInfo) => {
          await describeTest(testInfo, check, contract, scope.target);
          const { verdict, slept } = await runCheck(check, scope);
          if (slept) testInfo.annotations.push({ type: 'slept', description: `${slept}` });
          if (verdict.status === 'pass' && verdict.detail) testInfo.annotations.push({ type: 'observed', description: verdict.detail });
          if (verdict.exchanges.length) {
            await testInfo.attach('exchanges.json', {
              body: JSON.stringify(verdict.exchanges, null, 2),
              contentType: 'application/json',
            });
          }
          const text = verdictText(check, contract, scope.target, verdict);
          if (verdict.status === 'skip') test.skip(true, verdict.reason);
          if (verdict.status === 'fail') throw new ConformanceFailure(text);
        },
      );
    }
  });
}
