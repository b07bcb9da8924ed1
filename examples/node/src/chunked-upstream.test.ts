/**
 * The crash that once took `npm start` down, reproduced as a user met it: one valid OpenAI key on
 * an upstream that answers `/v1/models` chunked (no Content-Length) or gzip-compressed unasked,
 * added with the default check, checked alone and in a batch, then left to the re-check timer.
 * The real `node dist/main.js` process must stay up, and the models list must stay readable.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type AdversarialUpstream, startAdversarialUpstream } from "@keyhive/gateway/testing";
import { openAIChaosRoute } from "@keyhive/provider-openai/testing";
import { afterAll, beforeAll, expect, it } from "vitest";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const ADMIN = "chunked-admin-password-1";
const TOKEN = "kh-chunked-client";
const KEYS = {
  "sk-chunked-models-key-01": "ok-chunked",
  "sk-gzip-models-key-0001": "ok-gzip",
  "sk-chunked-models-key-02": "ok-chunked",
} as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let upstream: AdversarialUpstream;
let child: ReturnType<typeof spawn>;
let url = "";
let output = "";
beforeAll(async () => {
  upstream = await startAdversarialUpstream({ route: openAIChaosRoute({ keys: KEYS }) });
  child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      PORT: "0",
      KEYHIVE_ADMIN_PASSWORD: ADMIN,
      KEYHIVE_CLIENT_TOKENS: TOKEN,
      KEYHIVE_DATA_DIR: mkdtempSync(join(tmpdir(), "keyhive-chunked-")),
      OPENAI_BASE_URL: upstream.baseURL,
      KEYHIVE_RECHECK_INTERVAL_MS: "200",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => {
    output += String(d);
  });
  child.stderr?.on("data", (d) => {
    output += String(d);
  });
  for (const deadline = Date.now() + 15_000; !url && Date.now() < deadline; await sleep(25))
    url = /listening on (http:\/\/\S+)/.exec(output)?.[1] ?? "";
  expect(url, output).toBeTruthy();
});
afterAll(async () => {
  child?.kill();
  await upstream?.close();
});

const admin = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  return (await res.json()) as Record<string, unknown>;
};
const alive = () => child.exitCode === null && child.signalCode === null;

it("stays up through the default check on add, a single check, a batch check and the re-check timer", async () => {
  const { added } = (await admin("POST", "/keys", {
    provider: "openai",
    keys: Object.keys(KEYS).slice(0, 2),
    check: true,
  })) as {
    added: { id: string }[];
  };
  expect(added).toHaveLength(2);
  // A key added without a check is due at once: the 200 ms re-check timer checks it.
  await admin("POST", "/keys", { provider: "openai", keys: ["sk-chunked-models-key-02"], check: false });
  const ids = added.map((k) => k.id);
  await admin("POST", "/checks", { ids: [ids[0]], interval: { mode: "fixed", ms: 0 } });
  await admin("POST", "/checks", { all: true, concurrency: 4, interval: { mode: "fixed", ms: 0 } });
  const modelsChecks = () => upstream.requests.filter((r) => r.path.startsWith("/v1/models")).length;
  for (const deadline = Date.now() + 10_000; modelsChecks() < 6 && Date.now() < deadline; ) await sleep(100);
  await sleep(1500); // several more timer ticks; the crash came right after the unread body was cancelled
  expect(modelsChecks()).toBeGreaterThanOrEqual(6);
  expect(alive(), output).toBe(true);
  expect(output).not.toMatch(/UND_ERR_ABORTED|Unhandled|uncaught/i);
  const { data } = (await admin("GET", "/keys")) as { data: { status: string; lastCheck?: string }[] };
  expect(data.map((k) => k.status)).toEqual(["active", "active", "active"]);
  expect(data.filter((k) => k.lastCheck === "valid").length).toBeGreaterThanOrEqual(2);
});

it("forwards a gzip models list it never asked for as readable JSON (no stripped header over compressed bytes)", async () => {
  await admin("POST", "/keys/bulk", { action: "disable", filter: {} });
  const gzipKey = ((await admin("GET", "/keys")) as { data: { id: string; key: string }[] }).data.find((k) =>
    k.key.endsWith("0001"),
  );
  await admin("POST", "/keys/bulk", { action: "enable", ids: [gzipKey?.id] });
  for (let i = 0; i < 3; i++) {
    const res = await fetch(`${url}/openai/v1/models`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-encoding")).toBeNull();
    const body = (await res.json()) as { data: { id: string }[] };
    expect(body.data.map((m) => m.id)).toContain("gpt-4o-mini");
  }
  expect(upstream.requests.some((r) => r.key === "sk-gzip-models-key-0001" && r.path.startsWith("/v1/models"))).toBe(
    true,
  );
  expect(alive(), output).toBe(true);
});
