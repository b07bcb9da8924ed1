/**
 * Request metrics of this instance, fed by every proxied request's outcome: Prometheus counters
 * and a latency histogram per provider, plus hourly series (requests, errors, latency
 * percentiles) for the dashboard. Memory stays bounded: 31 days of hourly buckets at most.
 */
import type { KeyPool } from "../pool/key-pool.js";
import type { ProxyOutcome } from "../proxy/pipeline.js";
import { KEY_STATUSES } from "./key-filter.js";

/** Histogram bounds in seconds (Prometheus `le`). */
export const LATENCY_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

const newHistogram = (): Histogram => ({ counts: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 });

function observeInto(h: Histogram, seconds: number): void {
  h.sum += seconds;
  h.count++;
  const index = LATENCY_BUCKETS.findIndex((le) => seconds <= le);
  if (index >= 0) h.counts[index] = (h.counts[index] ?? 0) + 1;
}

/** Approximate quantile (ms) from a histogram: the upper bound of the bucket holding it. */
export function quantileMs(h: Histogram, q: number): number | undefined {
  if (h.count === 0) return undefined;
  const rank = Math.ceil(q * h.count);
  let seen = 0;
  for (const [i, n] of h.counts.entries()) {
    seen += n;
    if (seen >= rank) return (LATENCY_BUCKETS[i] as number) * 1000;
  }
  return (LATENCY_BUCKETS.at(-1) as number) * 1000;
}

export interface HourBucket {
  /** Start of the hour, epoch ms. */
  at: number;
  requests: number;
  errors: number;
  latency: Histogram;
}

const HOUR = 3_600_000;

export class RequestMetrics {
  private readonly counts = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly hours = new Map<number, HourBucket>();

  constructor(private readonly now: () => number = Date.now) {}

  observe(outcome: ProxyOutcome): void {
    const key = `${outcome.provider}\u0000${outcome.status}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    let histogram = this.latency.get(outcome.provider);
    if (!histogram) {
      histogram = newHistogram();
      this.latency.set(outcome.provider, histogram);
    }
    const seconds = outcome.durationMs / 1000;
    observeInto(histogram, seconds);
    const at = Math.floor(this.now() / HOUR) * HOUR;
    let hour = this.hours.get(at);
    if (!hour) {
      hour = { at, requests: 0, errors: 0, latency: newHistogram() };
      this.hours.set(at, hour);
      for (const old of this.hours.keys()) if (old < at - 31 * 24 * HOUR) this.hours.delete(old);
    }
    hour.requests++;
    if (outcome.status >= 400) hour.errors++;
    observeInto(hour.latency, seconds);
  }

  /** Hourly buckets since `since` (epoch ms), oldest first. */
  hourly(since: number): HourBucket[] {
    return [...this.hours.values()].filter((h) => h.at + HOUR > since).sort((a, b) => a.at - b.at);
  }

  /** Prometheus text exposition format 0.0.4. */
  render(pool: KeyPool): string {
    const lines: string[] = [];
    lines.push("# HELP keyhive_requests_total Proxied requests by provider and HTTP status.");
    lines.push("# TYPE keyhive_requests_total counter");
    for (const [key, n] of [...this.counts].sort()) {
      const [provider, status] = key.split("\u0000");
      lines.push(`keyhive_requests_total{provider="${label(provider)}",status="${label(status)}"} ${n}`);
    }
    lines.push("# HELP keyhive_request_duration_seconds Time to the end of a proxied response.");
    lines.push("# TYPE keyhive_request_duration_seconds histogram");
    for (const [provider, h] of [...this.latency].sort(([a], [b]) => a.localeCompare(b))) {
      const p = label(provider);
      let cumulative = 0;
      for (const [i, le] of LATENCY_BUCKETS.entries()) {
        cumulative += h.counts[i] ?? 0;
        lines.push(`keyhive_request_duration_seconds_bucket{provider="${p}",le="${le}"} ${cumulative}`);
      }
      lines.push(`keyhive_request_duration_seconds_bucket{provider="${p}",le="+Inf"} ${h.count}`);
      lines.push(`keyhive_request_duration_seconds_sum{provider="${p}"} ${round(h.sum)}`);
      lines.push(`keyhive_request_duration_seconds_count{provider="${p}"} ${h.count}`);
    }
    lines.push("# HELP keyhive_keys Keys in the pool by provider and status.");
    lines.push("# TYPE keyhive_keys gauge");
    const gauges = new Map<string, Record<string, number>>();
    for (const record of pool.keysOf()) {
      let byStatus = gauges.get(record.provider);
      if (!byStatus) {
        byStatus = Object.fromEntries(KEY_STATUSES.map((s) => [s, 0]));
        gauges.set(record.provider, byStatus);
      }
      byStatus[record.status] = (byStatus[record.status] ?? 0) + 1;
    }
    for (const [provider, byStatus] of [...gauges].sort(([a], [b]) => a.localeCompare(b))) {
      for (const [status, n] of Object.entries(byStatus)) {
        lines.push(`keyhive_keys{provider="${label(provider)}",status="${status}"} ${n}`);
      }
    }
    return `${lines.join("\n")}\n`;
  }
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;
const label = (value: string | undefined) =>
  (value ?? "").replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
