/**
 * Test support: plays a Playwright worker for tests/suites/run-contracts.test.ts. It inherits the
 * hand-over named in AUTHCONFORM_RUN_CONTRACTS, loads the spec files given as arguments through
 * runContracts, loads them again directly with the loader, and prints, per file, what a test compares.
 */
import { isDeepStrictEqual } from 'node:util';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { runContracts } from '../../fixtures/run-contracts.js';
import { formatProblem } from '../../src/contract/errors.js';
import { loadContractFile } from '../../src/contract/load.js';

/** Every pointer of a value, plus pointers that exist nowhere and sequence indexes written oddly. */
function pointers(value: unknown, prefix = ''): string[] {
  const out = [prefix, `${prefix}/no-such-key`, `${prefix}/no-such-key/deeper`];
  if (Array.isArray(value)) {
    value.forEach((v, i) => out.push(...pointers(v, `${prefix}/${i}`), `${prefix}/0${i}`, `${prefix}/${i}.0`));
    out.push(`${prefix}/${value.length}`, `${prefix}/-1`, `${prefix}/x`);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...pointers(v, `${prefix}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  }
  return out;
}

const files = process.argv.slice(2);
const viaHandOver = runContracts(files);
const report = viaHandOver.map(({ file, result }) => {
  const direct = loadContractFile(file);
  const mismatches: string[] = [];
  const a = result.contract;
  const b = direct.contract;
  if (!a !== !b) mismatches.push('one of the two has no contract');
  if (a && b) {
    const { at: atA, ...dataA } = a;
    const { at: atB, ...dataB } = b;
    if (!isDeepStrictEqual(dataA, dataB)) mismatches.push('the resolved contracts differ');
    for (const p of pointers(parse(readFileSync(file, 'utf8')))) {
      if (!isDeepStrictEqual(atA(p), atB(p))) mismatches.push(`at(${JSON.stringify(p)}): ${JSON.stringify(atA(p))} ≠ ${JSON.stringify(atB(p))}`);
    }
  }
  const problemsA = result.problems.map(formatProblem);
  const problemsB = direct.problems.map(formatProblem);
  if (!isDeepStrictEqual(problemsA, problemsB)) mismatches.push(`problems ${JSON.stringify(problemsA)} ≠ ${JSON.stringify(problemsB)}`);
  return { file, provider: a?.provider, problems: problemsA.length, mismatches };
});
console.log(JSON.stringify(report));
