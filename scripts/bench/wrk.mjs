// wrk as the ceiling bench's load generator (detected, never installed): one thread, keep-alive
// connections, POST chat completions with the client token; parses req/s, p50/p99 and errors.
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The wrk binary on PATH, or undefined. */
export function findWrk() {
  const probe = spawnSync("wrk", ["-v"], { encoding: "utf8" });
  if (probe.error) return undefined;
  const banner = `${probe.stdout}${probe.stderr}`;
  return { bin: "wrk", version: `wrk ${/wrk (?:debian\/)?(\d[\w.+-]*)/.exec(banner)?.[1] ?? "?"}` };
}

const chat = (stream) =>
  JSON.stringify({ model: "gpt-4o-mini", stream, messages: [{ role: "user", content: "Hello" }] });

let scripts;
/** The Lua scripts (JSON and stream bodies), written once to a temp dir. */
function luaScript(stream) {
  if (!scripts) {
    const dir = mkdtempSync(join(tmpdir(), "keyhive-wrk-"));
    scripts = {};
    for (const kind of [false, true]) {
      const file = join(dir, kind ? "post-stream.lua" : "post-json.lua");
      writeFileSync(
        file,
        [
          'wrk.method = "POST"',
          `wrk.body = '${chat(kind)}'`,
          'wrk.headers["content-type"] = "application/json"',
          'wrk.headers["authorization"] = "Bearer kh-bench-token"',
          "",
        ].join("\n"),
      );
      scripts[kind] = file;
    }
  }
  return scripts[stream];
}

const UNIT_MS = { us: 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 };
const ms = (text) => {
  const match = /([\d.]+)(us|ms|s|m|h)/.exec(text);
  return match ? +(Number(match[1]) * UNIT_MS[match[2]]).toFixed(3) : Number.NaN;
};

/** Parses wrk's `--latency` report into the harness `load()` shape. */
export function parseWrk(out) {
  const number = (re) => Number(re.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = socket ? socket.slice(1).reduce((n, v) => n + Number(v), 0) : 0;
  const non2xx = number(/Non-2xx or 3xx responses:\s+(\d+)/);
  return {
    reqPerSec: Math.round(number(/Requests\/sec:\s+([\d.]+)/)),
    p50Ms: ms(/\n\s+50%\s+(\S+)/.exec(out)?.[1] ?? ""),
    p99Ms: ms(/\n\s+99%\s+(\S+)/.exec(out)?.[1] ?? ""),
    requests: number(/(\d+) requests in/),
    errors: non2xx + socketErrors,
    non2xx,
    socketErrors,
  };
}

/** One wrk run (`-t1 -c<connections> -d<duration>s --latency`) of chat completions against `url`. */
export function wrkLoad(url, stream, { duration = 5, connections = 32, threads = 1 } = {}) {
  const args = [
    `-t${threads}`,
    `-c${connections}`,
    `-d${duration}s`,
    "--latency",
    "-s",
    luaScript(stream),
    `${url}/v1/chat/completions`,
  ];
  return new Promise((resolve, reject) =>
    execFile("wrk", args, { encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(new Error(`wrk ${args.join(" ")}: ${error.message}\n${stderr}`));
      else resolve(parseWrk(stdout));
    }),
  );
}
