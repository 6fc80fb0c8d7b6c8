/**
 * Benchmark reporter: sums the `slept` annotations of a run (seconds a check really waited) and writes
 * the total, with the number of tests, as JSON to BENCH_SLEPT_OUT. Added after the chosen reporter,
 * e.g. `--reporter=dot,./bench/slept-reporter.ts`.
 */
import { writeFileSync } from 'node:fs';
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import { annotation, ANNOTATION } from '../src/report/annotations.js';

export class SleptReporter implements Reporter {
  #slept = 0;
  #tests = 0;

  onTestEnd(_test: TestCase, result: TestResult): void {
    this.#tests++;
    this.#slept += Number(annotation(result.annotations, ANNOTATION.slept) ?? 0);
  }

  onEnd(): void {
    const out = process.env.BENCH_SLEPT_OUT;
    if (out) writeFileSync(out, JSON.stringify({ slept: this.#slept, tests: this.#tests }));
  }

  printsToStdio(): boolean {
    return false;
  }
}

// Playwright loads a reporter through its module's default export.
export default SleptReporter;
