/**
 * Export of keys as text, `key|balance`, CSV or JSON, with any separator, filtered, as a download
 * or plain text. Secrets are masked unless `reveal=true`.
 */
import { Hono } from "hono";
import type * as z from "zod/mini";
import type { KeyPool } from "../pool/key-pool.js";
import type { KeyRecord } from "../spec/storage.js";
import { maskSecret } from "../util/mask.js";
import { sortKeys } from "./key-filter.js";
import { exportQuery } from "./schemas/data.js";
import { readQuery } from "./validate.js";

const SEPARATORS = { newline: "\n", comma: ",", space: " ", semicolon: ";", tab: "\t" } as const;

type ExportQuery = z.infer<typeof exportQuery>;

/** Keys usable now: what "valid" means for an export. */
export const isValidKey = (r: KeyRecord) => r.status === "active" || r.status === "cooling";

export function selectForExport(records: KeyRecord[], q: ExportQuery): KeyRecord[] {
  const ids = q.ids ? new Set(q.ids) : undefined;
  return records.filter((r) => {
    if (ids && !ids.has(r.id)) return false;
    if (q.provider && r.provider !== q.provider) return false;
    if (q.tag && !r.tags.includes(q.tag)) return false;
    if (q.filter === "valid") return isValidKey(r);
    if (q.filter === "min-balance") return r.balance !== undefined && r.balance >= q.minBalance;
    return true;
  });
}

const csvCell = (value: unknown) => {
  const text = value === undefined || value === null ? "" : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export function renderExport(records: KeyRecord[], q: ExportQuery): { body: string; type: string; ext: string } {
  const secret = (r: KeyRecord) => (q.reveal ? r.secret : maskSecret(r.secret));
  if (q.format === "json") {
    const rows = records.map((r) => ({
      id: r.id,
      provider: r.provider,
      key: secret(r),
      status: r.status,
      balance: r.balance ?? null,
      tags: r.tags,
      addedAt: r.addedAt,
      lastCheckedAt: r.lastCheckedAt ?? null,
    }));
    return { body: JSON.stringify(rows, null, 2), type: "application/json; charset=utf-8", ext: "json" };
  }
  if (q.format === "csv") {
    const header = "id,provider,key,status,balance,tags,addedAt,lastCheckedAt";
    const lines = records.map((r) =>
      [
        r.id,
        r.provider,
        secret(r),
        r.status,
        r.balance,
        r.tags.join(" "),
        new Date(r.addedAt).toISOString(),
        r.lastCheckedAt ? new Date(r.lastCheckedAt).toISOString() : "",
      ]
        .map(csvCell)
        .join(","),
    );
    return { body: [header, ...lines].join("\n"), type: "text/csv; charset=utf-8", ext: "csv" };
  }
  const separator = q.separator === "custom" ? (q.custom as string) : SEPARATORS[q.separator];
  const items = records.map((r) => (q.format === "key-balance" ? `${secret(r)}|${r.balance ?? ""}` : secret(r)));
  return { body: items.join(separator), type: "text/plain; charset=utf-8", ext: "txt" };
}

export function exportRoutes(deps: { pool: KeyPool; now: () => number }) {
  const app = new Hono();
  app.get("/", (c) => {
    const q = readQuery(c, exportQuery);
    const records = sortKeys(selectForExport(deps.pool.keysOf(), q), "balance", "desc");
    const { body, type, ext } = renderExport(records, q);
    const headers: Record<string, string> = { "content-type": type, "cache-control": "no-store" };
    if (q.download) {
      const stamp = new Date(deps.now())
        .toISOString()
        .replaceAll(":", "-")
        .replace(/\.\d+Z$/, "Z");
      headers["content-disposition"] = `attachment; filename="keyhive-${q.filter}-${stamp}.${ext}"`;
    }
    return c.body(body, 200, headers);
  });
  return app;
}
