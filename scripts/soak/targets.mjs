// The gateway under soak, on each runtime: the real `examples/node` and `examples/bun`
// processes, and the `examples/workers-kv` Worker inside workerd (miniflare). Each answers
// { url, pid, stderr, exited, stop }.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { childPid } from "./proc.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));

export async function startTarget(runtime, { upstream, password, token, recheckMs }) {
  const env = {
    ...process.env,
    PORT: "0",
    HOST: "127.0.0.1",
    KEYHIVE_ADMIN_PASSWORD: password,
    KEYHIVE_CLIENT_TOKENS: token,
    OPENAI_BASE_URL: upstream,
    KEYHIVE_RECHECK_INTERVAL_MS: String(recheckMs),
  };
  if (runtime === "node")
    // The inspector (loopback, a free port) lets the soak read the live heap after a full GC.
    return startProcess(process.execPath, ["--inspect=127.0.0.1:0", "dist/main.js"], join(root, "examples/node"), env);
  if (runtime === "bun")
    return startProcess(join(root, "node_modules/.bin/bun"), ["run", "src/main.ts"], join(root, "examples/bun"), env);
  if (runtime === "workerd") return startWorkerd(env, recheckMs);
  throw new Error(`Unknown runtime '${runtime}': node, bun or workerd.`);
}

async function startProcess(command, args, cwd, env) {
  const dataDir = mkdtempSync(join(tmpdir(), "keyhive-soak-"));
  const child = spawn(command, args, {
    cwd,
    env: { ...env, KEYHIVE_DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stderr = [];
  let stdout = "";
  let exitCode;
  const exited = new Promise((resolve) =>
    child.on("exit", (code, signal) => {
      exitCode = code ?? signal;
      resolve(exitCode);
    }),
  );
  child.stderr.on("data", (d) => stderr.push(...String(d).split("\n").filter(Boolean)));
  child.stdout.on("data", (d) => {
    stdout += String(d);
  });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`gateway did not start:\n${stdout}\n${stderr.join("\n")}`)),
      30_000,
    );
    const poll = setInterval(() => {
      const match = /listening on (http:\/\/[\d.:]+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve(match[1]);
      }
    }, 20);
    exited.then((code) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`gateway exited (${code}) at start:\n${stdout}\n${stderr.join("\n")}`));
    });
  });
  const inspector = stderr.map((line) => /Debugger listening on (ws:\/\/\S+)/.exec(line)?.[1]).find(Boolean);
  return {
    url,
    pid: child.pid,
    inspector,
    stderr,
    exitCode: () => exitCode,
    exited,
    async stop() {
      if (exitCode === undefined) child.kill("SIGTERM");
      const code = await exited;
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

async function startWorkerd(env, recheckMs) {
  const { build } = await import("esbuild");
  const { Miniflare } = await import("miniflare");
  const bundle = await build({
    entryPoints: [join(root, "examples/workers-kv/src/index.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    write: false,
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "import"],
    logLevel: "silent",
  });
  const stderr = [];
  const mf = new Miniflare({
    modules: true,
    script: bundle.outputFiles[0].text,
    compatibilityDate: "2026-04-01",
    kvNamespaces: ["KEYHIVE_KV"],
    host: "127.0.0.1",
    port: 0,
    bindings: {
      KEYHIVE_ADMIN_PASSWORD: env.KEYHIVE_ADMIN_PASSWORD,
      KEYHIVE_CLIENT_TOKENS: env.KEYHIVE_CLIENT_TOKENS,
      OPENAI_BASE_URL: env.OPENAI_BASE_URL,
    },
    handleRuntimeStdio(stdout, stderrStream) {
      stdout.resume();
      stderrStream.on("data", (d) => stderr.push(...String(d).split("\n").filter(Boolean)));
    },
  });
  const url = (await mf.ready).origin;
  const worker = await mf.getWorker();
  // The cron trigger, every `recheckMs` instead of every 10 minutes.
  const cron = setInterval(() => {
    worker.scheduled({ cron: "* * * * *" }).catch((error) => stderr.push(`scheduled failed: ${error}`));
  }, recheckMs);
  let stopped = false;
  return {
    url,
    pid: childPid(process.pid, "workerd"),
    stderr,
    exitCode: () => (stopped ? 0 : undefined),
    exited: new Promise(() => {}),
    /** The load is over: no more cron triggers. */
    quiesce: () => clearInterval(cron),
    async stop() {
      clearInterval(cron);
      stopped = true;
      await mf.dispose();
      return 0;
    },
  };
}
