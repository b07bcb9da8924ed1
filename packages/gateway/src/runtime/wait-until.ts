import type { Context } from "hono";

/** Runs work in the background; Workers pass `ctx.waitUntil` so it outlives the response. */
export type WaitUntil = (promise: Promise<unknown>) => void;

/** Whether this runtime passes an execution context (Workers do; Node and Bun do not). */
let runtimeHasExecutionCtx: boolean | undefined;

/** The runtime's `waitUntil` (Workers), or undefined where background promises simply run. */
export function waitUntilOf(c: Context): WaitUntil | undefined {
  // Hono's getter throws when there is no context; learn that once instead of throwing per request.
  if (runtimeHasExecutionCtx === false) return undefined;
  try {
    const ctx = c.executionCtx;
    runtimeHasExecutionCtx = true;
    return (promise) => ctx.waitUntil(promise);
  } catch {
    runtimeHasExecutionCtx = false;
    return undefined;
  }
}
