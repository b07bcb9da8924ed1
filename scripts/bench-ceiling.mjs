// `npm run bench:ceiling` (issue 18): the gateway measured against a ceiling, on an upstream that is
// not the bottleneck. The upstream is nginx answering fixed bodies (a chat completion as JSON on
// one port, a 22-event SSE stream on another), or a tight node:http fallback; it is measured alone
// and should be ≥ 5× the ceiling. Subjects, each in its own process and started once per kind:
// nginx as reverse proxy (the floor), a node:http + undici Pool.request proxy (the Node ceiling),
// Keyhive on Node (`npm start`'s stack) and Keyhive on Bun (`Bun.serve` + Bun's fetch). Load is wrk
// (1 thread) or autocannon; ROUNDS rounds, subjects rotating per round, the median round reported.
// Prints a table and writes bench-results/ceiling.json and bench-results/ceiling.md.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { JSON_BODY, SSE_BODY, SSE_EVENTS } from "./bench/fixed-bodies.mjs";
import { load as autocannonLoad, children, start } from "./bench/harness.mjs";
import { findNginx, fixedServer, freePort, proxyServer, startNginx } from "./bench/nginx.mjs";
import { findWrk, wrkLoad } from "./bench/wrk.mjs";

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const QUIET_WAIT_S = Number(process.env.BENCH_QUIET_WAIT ?? 120);
const BUN = fileURLToPath(new URL("../node_modules/.bin/bun", import.meta.url));
const KINDS = ["json", "stream"];

const nginx = process.env.BENCH_NO_NGINX ? undefined : findNginx();
const wrk = process.env.BENCH_NO_WRK ? undefined : findWrk();
const load = (url, kind, duration = DURATION) =>
  wrk
    ? wrkLoad(url, kind === "stream", { duration, connections: CONNECTIONS })
    : autocannonLoad(url, kind === "stream", duration);
const stops = [];

/** Spawns the Bun gateway; resolves with the URL from its first stdout line. */
function startBun(env) {
  const child = spawn(BUN, [fileURLToPath(new URL("./bench/gateway-bun.mjs", import.meta.url))], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  stops.push(() => child.kill("SIGTERM"));
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (data) => {
      out += String(data);
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve(JSON.parse(line));
    });
    child.once("exit", (code) => reject(new Error(`gateway-bun.mjs exited with ${code}: ${out}`)));
  });
}

/**
 * One request of `kind`; throws unless the subject answers 200 with the fixed upstream's content.
 * (Keyhive drops the usage chunk when the client did not ask for it: 21 of the 22 events.)
 */
async function check(name, url, kind) {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer kh-bench-token" },
    body: JSON.stringify({
      model: "gpt-4o-mini",
      stream: kind === "stream",
      messages: [{ role: "user", content: "Hi" }],
    }),
  });
  const text = await res.text();
  const ok =
    res.status === 200 &&
    (kind === "json"
      ? JSON.parse(text).choices?.[0]?.message?.content === JSON.parse(JSON_BODY).choices[0].message.content
      : (text.match(/^data: /gm)?.length ?? 0) >= SSE_EVENTS.length - 1 && text.includes("data: [DONE]"));
  if (!ok) throw new Error(`${name} (${kind}) answered ${res.status}: ${text.slice(0, 300)}`);
}

async function waitForQuiet() {
  const deadline = Date.now() + QUIET_WAIT_S * 1000;
  while (loadavg()[0] > 1 && Date.now() < deadline) {
    console.log(`load average ${loadavg()[0].toFixed(2)} > 1.0: waiting for a quiet machine…`);
    await new Promise((r) => setTimeout(r, 10_000));
  }
  return +loadavg()[0].toFixed(2);
}

try {
  const loadBefore = await waitForQuiet();
  const started = new Date();
  console.log(
    `upstream: ${nginx ? `nginx ${nginx.version}` : "node:http fallback"}; load: ${wrk ? wrk.version : "autocannon"}; ` +
      `${CONNECTIONS} connections, ${DURATION} s × ${ROUNDS} rounds; load average ${loadBefore}`,
  );

  // The upstream: two ports, one per kind.
  let upstream;
  if (nginx) {
    const [json, stream] = [await freePort(), await freePort()];
    const servers = [
      fixedServer(json, JSON_BODY, "application/json"),
      fixedServer(stream, SSE_BODY, "text/event-stream"),
    ];
    const instance = await startNginx(nginx.bin, servers, [json, stream]);
    stops.push(instance.stop);
    upstream = { json: `http://127.0.0.1:${json}`, stream: `http://127.0.0.1:${stream}` };
  } else {
    upstream = (await start("fixed-upstream.mjs")).message;
  }
  const base = (kind) => ({ UPSTREAM_BASE_URL: `${upstream[kind]}/v1` });

  // Subjects: one process per subject and kind (each kind has its own upstream).
  const subjects = {};
  if (nginx) {
    const [json, stream] = [await freePort(), await freePort()];
    const target = (kind) => upstream[kind].replace("http://", "");
    const servers = [
      proxyServer(json, target("json"), "upstream_json"),
      // An SSE proxy does not buffer: each event goes out as it comes.
      proxyServer(stream, target("stream"), "upstream_stream", { buffering: false }),
    ];
    const instance = await startNginx(nginx.bin, servers, [json, stream]);
    stops.push(instance.stop);
    subjects["nginx reverse proxy (floor)"] = {
      json: `http://127.0.0.1:${json}`,
      stream: `http://127.0.0.1:${stream}`,
    };
  }
  const perKind = async (startOne) => {
    const urls = {};
    for (const kind of KINDS) urls[kind] = (await startOne(base(kind))).url;
    return urls;
  };
  subjects["node:http + undici Pool (ceiling)"] = await perKind(
    async (env) => (await start("ceiling.mjs", env)).message,
  );
  subjects["Keyhive on Node"] = await perKind(async (env) => (await start("gateway.mjs", env)).message);
  let bunVersion;
  if (existsSync(BUN)) {
    subjects["Keyhive on Bun"] = await perKind(async (env) => {
      const message = await startBun(env);
      bunVersion = message.bun;
      return message;
    });
  } else {
    console.log(`no Bun at ${BUN}: Keyhive on Bun skipped`);
  }
  const names = Object.keys(subjects);
  const CEILING = "node:http + undici Pool (ceiling)";

  for (const name of names) for (const kind of KINDS) await check(name, subjects[name][kind], kind);
  for (const kind of KINDS) await check("upstream", `${upstream[kind]}`, kind);

  // Warm-up (JIT, pools), then the upstream alone, then rounds with the subjects rotating.
  for (const kind of KINDS) {
    await load(upstream[kind], kind, WARMUP);
    for (const name of names) await load(subjects[name][kind], kind, WARMUP);
  }
  const runs = Object.fromEntries(["upstream", ...names].map((n) => [n, { json: [], stream: [] }]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const kind of KINDS) {
      runs.upstream[kind].push(await load(upstream[kind], kind));
      for (const name of order) {
        const result = await load(subjects[name][kind], kind);
        runs[name][kind].push(result);
        console.log(
          `round ${round + 1} ${kind.padEnd(6)} ${name.padEnd(34)} ${String(result.reqPerSec).padStart(6)} req/s  ` +
            `p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  errors ${result.errors}`,
        );
      }
    }
  }

  const median = (list) => [...list].sort((a, b) => a.reqPerSec - b.reqPerSec)[Math.floor(list.length / 2)];
  const summary = {};
  for (const [name, byKind] of Object.entries(runs)) {
    summary[name] = {};
    for (const kind of KINDS) {
      const m = median(byKind[kind]);
      summary[name][kind] = {
        reqPerSec: m.reqPerSec,
        p50Ms: m.p50Ms,
        p99Ms: m.p99Ms,
        errors: byKind[kind].reduce((n, r) => n + r.errors, 0),
        requests: byKind[kind].reduce((n, r) => n + r.requests, 0),
      };
    }
  }
  const ratio = (a, b) => +(a / b).toFixed(2);
  for (const name of Object.keys(summary)) {
    const c = summary[CEILING];
    const s = summary[name];
    s.ratios = {
      jsonReqPerSec: ratio(s.json.reqPerSec, c.json.reqPerSec),
      streamReqPerSec: ratio(s.stream.reqPerSec, c.stream.reqPerSec),
      jsonP99: ratio(s.json.p99Ms, c.json.p99Ms),
      streamP99: ratio(s.stream.p99Ms, c.stream.p99Ms),
    };
  }
  const node = summary["Keyhive on Node"];
  const targets = {
    "upstream alone ≥ 5× the ceiling (JSON)": summary.upstream.ratios.jsonReqPerSec >= 5,
    "upstream alone ≥ 5× the ceiling (stream)": summary.upstream.ratios.streamReqPerSec >= 5,
    "Keyhive on Node ≥ 0.6× the ceiling (JSON)": node.ratios.jsonReqPerSec >= 0.6,
    "Keyhive on Node ≥ 0.6× the ceiling (stream)": node.ratios.streamReqPerSec >= 0.6,
    "Keyhive on Node: zero errors": node.json.errors + node.stream.errors === 0,
    "Keyhive on Node p99 ≤ 2× the ceiling's (JSON)": node.ratios.jsonP99 <= 2,
    "Keyhive on Node p99 ≤ 2× the ceiling's (stream)": node.ratios.streamP99 <= 2,
  };

  const machine = {
    cores: cpus().length,
    cpu: cpus()[0]?.model,
    node: process.version,
    bun: bunVersion,
    nginx: nginx?.version,
    wrk: wrk?.version,
    loadAverageBefore: loadBefore,
    loadAverageAfter: +loadavg()[0].toFixed(2),
  };
  const label = { upstream: `upstream alone (${nginx ? "nginx" : "node:http"}, fixed bodies)` };
  const f = (n) => n.toLocaleString("en-US");
  const lines = [
    "| subject | JSON req/s | JSON p50 / p99 ms | stream req/s | stream p50 / p99 ms | errors | req/s × ceiling (JSON / stream) | p99 × ceiling (JSON / stream) |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...["upstream", ...names].map((name) => {
      const { json, stream, ratios } = summary[name];
      return (
        `| ${label[name] ?? name} | ${f(json.reqPerSec)} | ${json.p50Ms} / ${json.p99Ms} | ${f(stream.reqPerSec)} | ` +
        `${stream.p50Ms} / ${stream.p99Ms} | ${json.errors + stream.errors} | ${ratios.jsonReqPerSec}× / ${ratios.streamReqPerSec}× | ` +
        `${ratios.jsonP99}× / ${ratios.streamP99}× |`
      );
    }),
  ];
  const md = [
    `# Against a ceiling (${started.toISOString()})`,
    "",
    `Load: ${wrk ? `${wrk.version}, \`wrk -t1 -c${CONNECTIONS} -d${DURATION}s --latency\`` : `autocannon, ${CONNECTIONS} connections, ${DURATION} s`}; ` +
      `${ROUNDS} rounds, subjects rotating per round, median round by req/s (errors summed over all rounds). ` +
      `Upstream: ${nginx ? `nginx ${nginx.version}` : "node:http"} answering fixed bodies (JSON ${JSON_BODY.length} B; ` +
      `SSE ${SSE_EVENTS.length} events, ${SSE_BODY.length} B).`,
    `Machine: ${machine.cores} × ${machine.cpu}, shared by the load generator, the upstream and the subject; ` +
      `Node ${machine.node}${bunVersion ? `, Bun ${bunVersion}` : ""}; load average ${loadBefore} before, ${machine.loadAverageAfter} after.`,
    "",
    ...lines,
    "",
    ...Object.entries(targets).map(([t, ok]) => `- ${ok ? "✅" : "❌"} ${t}`),
    "",
  ].join("\n");
  mkdirSync("bench-results", { recursive: true });
  writeFileSync(
    "bench-results/ceiling.json",
    `${JSON.stringify({ date: started.toISOString(), machine, duration: DURATION, rounds: ROUNDS, connections: CONNECTIONS, summary, targets, runs }, null, 2)}\n`,
  );
  writeFileSync("bench-results/ceiling.md", md);
  console.log(`\n${md}`);
  console.log("Wrote bench-results/ceiling.json and bench-results/ceiling.md");
} finally {
  for (const stop of stops) stop();
  for (const child of children) child.kill();
}
