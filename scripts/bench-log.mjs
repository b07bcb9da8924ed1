// `npm run bench:log`: what the request log costs, resolved below run-to-run noise. Two gateway
// processes — request log off, and on at its default (ring + durable log on the fs storage) —
// take turns: short alternating runs, ROUNDS pairs per body kind, A/B order flipped each round.
// Machine drift hits both sides of a pair alike, so the median of the per-pair ratios is the
// figure; the spread of those ratios says how far it can be trusted.
import { mkdirSync, writeFileSync } from "node:fs";
import { children, load, start } from "./bench/harness.mjs";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const SECONDS = Number(process.env.BENCH_DURATION ?? 4);
const BUDGET = 0.03;

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

try {
  const { message: upstream } = await start("upstream.mjs");
  const env = { UPSTREAM_BASE_URL: upstream.url };
  const off = await start("gateway.mjs", { ...env, BENCH_REQUEST_LOG: "off" });
  const on = await start("gateway.mjs", env);
  for (const subject of [off, on]) await load(subject.message.url, false, 2); // warm-up
  const result = { at: new Date().toISOString(), rounds: ROUNDS, secondsPerRun: SECONDS, kinds: {} };
  for (const kind of ["json", "stream"]) {
    const pairs = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [off, on] : [on, off];
      const runs = new Map();
      for (const subject of order) runs.set(subject, await load(subject.message.url, kind === "stream", SECONDS));
      pairs.push({ off: runs.get(off), on: runs.get(on) });
    }
    const ratios = pairs.map((p) => p.on.reqPerSec / p.off.reqPerSec);
    const sorted = [...ratios].sort((a, b) => a - b);
    result.kinds[kind] = {
      offReqPerSec: median(pairs.map((p) => p.off.reqPerSec)),
      onReqPerSec: median(pairs.map((p) => p.on.reqPerSec)),
      medianRatio: +median(ratios).toFixed(4),
      // The middle two thirds of the pair ratios: how much one pair can differ from another.
      ratioRange: [+sorted[Math.floor(ROUNDS / 6)].toFixed(4), +sorted[Math.ceil((ROUNDS * 5) / 6) - 1].toFixed(4)],
      errors: pairs.reduce((n, p) => n + p.off.errors + p.on.errors, 0),
      pairs,
    };
  }
  const lines = [
    `# Request log cost ${result.at}`,
    "",
    `${ROUNDS} alternating pairs of ${SECONDS} s runs per kind (order flipped each round); median of per-pair ratios.`,
    "",
    "| kind | log off req/s | log on req/s | on/off (median of pairs) | middle 2/3 of pair ratios | cost | errors |",
    "|---|---|---|---|---|---|---|",
    ...Object.entries(result.kinds).map(
      ([kind, k]) =>
        `| ${kind} | ${k.offReqPerSec} | ${k.onReqPerSec} | ${k.medianRatio} | ${k.ratioRange.join("–")} | ${((1 - k.medianRatio) * 100).toFixed(1)}% | ${k.errors} |`,
    ),
    "",
    `Budget: ≤ ${BUDGET * 100}% req/s. Met: ${Object.values(result.kinds).every((k) => 1 - k.medianRatio <= BUDGET) ? "yes" : "**no**"}.`,
    "",
  ].join("\n");
  mkdirSync("bench-results", { recursive: true });
  writeFileSync("bench-results/request-log.json", `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync("bench-results/request-log.md", lines);
  console.log(lines);
} finally {
  for (const child of children) child.kill();
}
