/**
 * A problem in a spec file: one error type, always with a location a user can jump to.
 */
export interface SpecProblem {
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly col: number;
  /** JSON pointer of the offending value ("" for the document). */
  readonly pointer: string;
  /** A full sentence: what is wrong and what was expected. */
  readonly message: string;
}

export class SpecError extends Error implements SpecProblem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly pointer: string;

  constructor(problem: SpecProblem) {
    super(problem.message);
    this.name = 'SpecError';
    this.file = problem.file;
    this.line = problem.line;
    this.col = problem.col;
    this.pointer = problem.pointer;
  }

  /** `file:line:col: message`, as tsc and eslint print. */
  override toString(): string {
    return formatProblem(this);
  }
}

export function formatProblem(p: SpecProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

/** Thrown by `loadContract` when a spec has problems; carries all of them, in file order. */
export class SpecErrors extends Error {
  readonly problems: readonly SpecError[];

  constructor(problems: readonly SpecError[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'SpecErrors';
    this.problems = problems;
  }
}
