/**
 * The Chromium a browser test drives, found without a download: the one named in AUTHCONFORM_CHROMIUM,
 * else a system Chromium (Debian's /usr/bin/chromium), else the headless build that the npm package
 * @sparticuz/chromium carries in its tarball (unpacked to the temporary folder on first use). So
 * `npm ci && npm test` runs the browser tests on a machine with nothing else installed; when no
 * Chromium can be started the test fails saying why, it is never skipped.
 */
import { existsSync } from 'node:fs';

export interface FoundChromium {
  readonly executablePath: string;
  readonly args: string[];
  /** Where it came from, for messages. */
  readonly source: string;
}

const SYSTEM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
/** No sandbox (CI containers run as root) and no background traffic (the network is closed). */
const QUIET = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<FoundChromium> {
  const named = env.AUTHCONFORM_CHROMIUM;
  if (named) {
    if (!existsSync(named)) throw new Error(`AUTHCONFORM_CHROMIUM names ${named}, which does not exist.`);
    return { executablePath: named, args: QUIET, source: 'AUTHCONFORM_CHROMIUM' };
  }
  const system = SYSTEM.find((p) => existsSync(p));
  if (system) return { executablePath: system, args: QUIET, source: system };
  try {
    const { default: packaged } = await import('@sparticuz/chromium');
    const executablePath = await packaged.executablePath();
    return { executablePath, args: [...new Set([...packaged.args, ...QUIET])], source: '@sparticuz/chromium' };
  } catch (e) {
    throw new Error(
      `No Chromium to run the browser tests: AUTHCONFORM_CHROMIUM is not set, ${SYSTEM.join(' and ')} do not exist, and the one in @sparticuz/chromium could not be unpacked (${(e as Error).message}). Run npm ci, or install Debian's chromium.`,
    );
  }
}
