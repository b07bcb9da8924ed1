// `npm run bench`: load test of the Node gateway against a bare Hono pass-through (global fetch)
// and direct-to-upstream, on the test kit's mock upstream; plus selection cost and memory.
// Prints a table and writes bench-results/latest.json and bench-results/latest.md.
import { mkdirSync, writeFileSync } from "node:fs";
import { CONNECTIONS, children, DURATION, load, start } from "./bench/harness.mjs";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

try {
  const { message: upstream } = await start("upstream.mjs");
  const env = { UPSTREAM_BASE_URL: upstream.url };
  const figures = {};

  // Each load runs alone so the two cores are shared only with the upstream and the load
  // generator; subjects alternate over ROUNDS rounds and the median round is reported, which
  // keeps one unlucky scheduling slice from deciding a ratio.
  const direct = {
    json: await load(upstream.url.replace(/\/v1$/, ""), false),
    stream: await load(upstream.url.replace(/\/v1$/, ""), true),
  };
  figures.direct = direct;

  const bare = await start("bare-hono.mjs", env);
  const gw = await start("gateway.mjs", env);
  await load(bare.message.url, false); // warm-up
  await load(gw.message.url, false); // warm-up
  await fetch(`${gw.message.url}/__bench/reset`, { method: "POST" });
  const runs = { bare: { json: [], stream: [] }, gateway: { json: [], stream: [] } };
  let gatewayRequests = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of ["json", "stream"]) {
      runs.bare[kind].push(await load(bare.message.url, kind === "stream"));
      const result = await load(gw.message.url, kind === "stream");
      gatewayRequests += result.requests;
      runs.gateway[kind].push(result);
    }
  }
  const counts = await (await fetch(`${gw.message.url}/__bench/counts`)).json();
  const median = (list) => [...list].sort((a, b) => a.reqPerSec - b.reqPerSec)[Math.floor(list.length / 2)];
  const worstErrors = (list) => list.reduce((n, r) => n + r.errors, 0);
  figures.bare = {
    json: { ...median(runs.bare.json), errors: worstErrors(runs.bare.json) },
    stream: { ...median(runs.bare.stream), errors: worstErrors(runs.bare.stream) },
  };
  figures.gateway = {
    json: { ...median(runs.gateway.json), errors: worstErrors(runs.gateway.json) },
    stream: { ...median(runs.gateway.stream), errors: worstErrors(runs.gateway.stream) },
  };
  figures.rounds = { bare: runs.bare, gateway: runs.gateway };
  const { json, stream } = figures.gateway;
  figures.storage = {
    readsPer1000: +((counts.reads / gatewayRequests) * 1000).toFixed(3),
    writesPer1000: +((counts.writes / gatewayRequests) * 1000).toFixed(3),
  };
  figures.gatewayRssMB = Math.round(counts.rss / 1e6);
  bare.child.kill();
  gw.child.kill();

  const sel = await start("selection.mjs");
  figures.selection = sel.message.selection;
  figures.rss100kKeysMB = Math.round(sel.message.rss100k / 1e6);
  sel.child.kill();

  const ratio = (a, b) => +(a / b).toFixed(2);
  figures.ratios = {
    jsonReqPerSecVsBare: ratio(json.reqPerSec, figures.bare.json.reqPerSec),
    streamReqPerSecVsBare: ratio(stream.reqPerSec, figures.bare.stream.reqPerSec),
    jsonP99VsBare: ratio(json.p99Ms, figures.bare.json.p99Ms),
    streamP99VsBare: ratio(stream.p99Ms, figures.bare.stream.p99Ms),
  };
  figures.addedLatencyP50Ms = { json: json.p50Ms - direct.json.p50Ms, stream: stream.p50Ms - direct.stream.p50Ms };
  const targets = {
    "req/s ≥ 2× bare Hono (JSON)": figures.ratios.jsonReqPerSecVsBare >= 2,
    "req/s ≥ 2× bare Hono (stream)": figures.ratios.streamReqPerSecVsBare >= 2,
    "p99 ≤ bare Hono (JSON)": figures.ratios.jsonP99VsBare <= 1,
    "p99 ≤ bare Hono (stream)": figures.ratios.streamP99VsBare <= 1,
    "0 storage reads per request (≤ 1 per 1,000: the 5 s sync)": figures.storage.readsPer1000 <= 1,
    "≤ 5 storage writes per 1,000 requests": figures.storage.writesPer1000 <= 5,
    "selection p99 flat 1k → 100k (≤ 3×)": figures.selection[2].p99Ns <= 3 * Math.max(figures.selection[0].p99Ns, 1000),
    "RSS ≤ 300 MB with 100k keys": figures.rss100kKeysMB <= 300,
    "no error responses": [direct, figures.bare, figures.gateway].every(
      (f) => f.json.errors === 0 && f.stream.errors === 0,
    ),
  };
  const result = {
    at: new Date().toISOString(),
    machine: { node: process.version, cpus: (await import("node:os")).cpus().length },
    settings: { durationSec: DURATION, connections: CONNECTIONS, rounds: ROUNDS },
    figures,
    targets,
  };

  const row = (name, f) =>
    `| ${name} | ${f.json.reqPerSec} | ${f.json.p50Ms} / ${f.json.p99Ms} | ${f.stream.reqPerSec} | ${f.stream.p50Ms} / ${f.stream.p99Ms} | ${f.json.errors + f.stream.errors} |`;
  const md = [
    `# Benchmark ${result.at}`,
    "",
    `Node ${process.version}, ${result.machine.cpus} cores, ${CONNECTIONS} connections, ${DURATION} s per run, median of ${ROUNDS} alternating rounds; mock upstream in its own process.`,
    "",
    "| subject | JSON req/s | JSON p50 / p99 ms | stream req/s | stream p50 / p99 ms | errors |",
    "|---|---|---|---|---|---|",
    row("direct to upstream", direct),
    row("bare Hono + global fetch", figures.bare),
    row("Keyhive gateway", figures.gateway),
    "",
    `Ratios vs bare Hono: JSON ${figures.ratios.jsonReqPerSecVsBare}×, stream ${figures.ratios.streamReqPerSecVsBare}× req/s; p99 ${figures.ratios.jsonP99VsBare}× / ${figures.ratios.streamP99VsBare}×.`,
    `Latency added over direct (p50): JSON ${figures.addedLatencyP50Ms.json} ms, stream ${figures.addedLatencyP50Ms.stream} ms.`,
    `Storage per 1,000 requests: ${figures.storage.readsPer1000} reads, ${figures.storage.writesPer1000} writes. Gateway RSS ${figures.gatewayRssMB} MB.`,
    `Selection (p50 / p99 ns): ${figures.selection.map((s) => `${s.keys} keys ${s.p50Ns} / ${s.p99Ns}`).join("; ")}. RSS with 100k keys: ${figures.rss100kKeysMB} MB.`,
    "",
    "| target | met |",
    "|---|---|",
    ...Object.entries(targets).map(([k, v]) => `| ${k} | ${v ? "yes" : "**no**"} |`),
    "",
  ].join("\n");
  mkdirSync("bench-results", { recursive: true });
  writeFileSync("bench-results/latest.json", `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync("bench-results/latest.md", md);
  console.log(md);
} finally {
  for (const child of children) child.kill();
}
