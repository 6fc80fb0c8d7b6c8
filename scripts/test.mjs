#!/usr/bin/env node
// `npm test`: type-check, then every tests/**/*.test.ts under node's test runner (tsx loads TypeScript).
// Extra arguments narrow the run: `npm test -- tests/mock` runs the files under that folder.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function testFiles(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return name === 'fixtures' ? [] : testFiles(p);
      return name.endsWith('.test.ts') ? [p] : [];
    });
}

const roots = process.argv.slice(2);
const files = (roots.length ? roots : ['tests']).flatMap((r) => (statSync(r).isDirectory() ? testFiles(r) : [r]));

if (!roots.length) {
  const tsc = spawnSync('npx', ['tsc', '--noEmit'], { stdio: 'inherit' });
  if (tsc.status !== 0) {
    console.error('tsc --noEmit failed');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  console.log('tsc --noEmit: no type errors');
}

const run = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, AUTHCONFORM_TESTING: '1' } },
);
process.exit(run.status ?? 1);
