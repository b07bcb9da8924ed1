// What every benchmark script shares: subjects in their own processes, one load at a time.
import { fork } from "node:child_process";
import autocannon from "autocannon";

export const DURATION = Number(process.env.BENCH_DURATION ?? 8);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
export const children = [];

/** Forks `scripts/bench/<script>`; resolves with its first IPC message (its URL). */
export function start(script, env = {}) {
  const child = fork(new URL(`./${script}`, import.meta.url), [], {
    env: { ...process.env, ...env },
    execArgv: script === "selection.mjs" ? ["--expose-gc"] : [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once("message", (message) => resolve({ child, message }));
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

const chat = (stream) =>
  JSON.stringify({ model: "gpt-4o-mini", stream, messages: [{ role: "user", content: "Hello" }] });

/** One autocannon run of chat completions against `url`. */
export async function load(url, stream, duration = DURATION) {
  const result = await autocannon({
    url: `${url}/v1/chat/completions`,
    method: "POST",
    connections: CONNECTIONS,
    duration,
    headers: { "content-type": "application/json", authorization: "Bearer kh-bench-token" },
    body: chat(stream),
  });
  const errors = result.errors + result.non2xx + result.timeouts;
  return {
    reqPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors,
  };
}
