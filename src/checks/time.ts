/**
 * Server time for checks. A target with the test clock is advanced through
 * `POST /__test/clock/advance {"seconds": N}` (recorded like any exchange, so the evidence shows when
 * time moved). Without a clock the harness waits for real, but never longer in total than the
 * target's bound: a check that would need more is skipped with the reason, not silently passed.
 */
import type { HttpClient } from '../http/client.js';
import { Unmet, type ServerTime, type Target } from './context.js';

export function serverTime(target: Target, http: HttpClient, label: string): ServerTime {
  let slept = 0;
  const advance = async (seconds: number): Promise<number> => {
    const res = await http.send({
      method: 'POST',
      url: `${target.baseUrl}/__test/clock/advance`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seconds }),
      purpose: seconds === 0 ? 'read the server clock' : `advance the server clock by ${seconds} s`,
    });
    const now = (res.json() as { now?: unknown } | undefined)?.now;
    if (res.status !== 200 || typeof now !== 'number') {
      throw new Unmet(
        `the target's test clock to answer 200 {"now": <epoch s>} (${label} declares it implements the clock)`,
        res.status ? `${res.status} ${res.text.slice(0, 200)}` : `no response: ${res.error ?? ''}`,
      );
    }
    return now;
  };
  return {
    cannotPass(seconds) {
      if (target.clock || seconds <= 0) return undefined;
      if (slept + seconds <= target.maxWait) return undefined;
      return `needs ${Math.ceil(seconds)} s of server time and the target has no test clock; set AUTHCONFORM_MAX_WAIT=${Math.ceil(slept + seconds)} or a shorter lifetime on the target (AUTHCONFORM_${label}_TTL / _IDLE)`;
    },
    async pass(seconds) {
      if (seconds <= 0) return;
      if (target.clock) {
        await advance(seconds);
        return;
      }
      const why = this.cannotPass(seconds);
      if (why) throw new Unmet('time to be allowed to pass', why);
      slept += seconds;
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    },
    async now() {
      return target.clock ? advance(0) : Math.floor(Date.now() / 1000);
    },
    slept: () => slept,
  };
}
