/**
 * Expiry boundaries on the server's clock. A boundary is reckoned from a time read on the server
 * right after the event it follows (an issue, a use), never from the harness's own clock: the mock's
 * clock runs ahead by whatever earlier checks advanced, and a live server's clock is its own.
 * Reading the time after the event errs on the safe side of both boundaries: "just before" lands no
 * later than intended, "just after" no earlier.
 */
import type { CheckContext } from './context.js';

/** Server time now, in epoch seconds: call it right after the event a boundary is reckoned from. */
export function serverNow(ctx: CheckContext): Promise<number> {
  return ctx.time.now();
}

/**
 * Lets server time pass until `at` (epoch seconds). `before` never overshoots (whole seconds, rounded
 * down); `after` never falls short (rounded up).
 */
export async function passUntil(ctx: CheckContext, at: number, side: 'before' | 'after'): Promise<void> {
  const delta = at - (await ctx.time.now());
  const seconds = side === 'before' ? Math.floor(delta) : Math.ceil(delta);
  if (seconds > 0) await ctx.time.pass(seconds);
}
