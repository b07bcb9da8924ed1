/**
 * The consumer check (issue 16): the packed tarballs installed into a fresh project outside the
 * workspace, with the oldest Hono release the peer range admits and the newest Hono 4, then the
 * README's programs type-checked, built and run — on Node and as a wrangler-bundled Worker.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMockOpenAI } from "@keyhive/provider-openai/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsumerProject, createConsumerProject } from "./consumer-project.js";
import { buildNodePrograms, startNodeServer } from "./node-program.js";
import { oldestSupportedHono, type PackedPackage, packPublished } from "./pack.js";
import { installLine } from "./readme-snippets.js";
import { bundleWorker, runWorkerBundle } from "./worker-program.js";

const ADMIN_PASSWORD = "consumer-admin-password";
const CLIENT_TOKEN = "kh-consumer-client-token";
const UPSTREAM_KEY = "sk-consumer-upstream-0001";

let packed: Map<string, PackedPackage>;
beforeAll(async () => {
  packed = await packPublished(mkdtempSync(join(tmpdir(), "keyhive-tarballs-")));
}, 120_000);

const mock = await startMockOpenAI({ keys: { [UPSTREAM_KEY]: "ok" } });
afterAll(() => mock.close());

const chat = (stream: boolean) => ({
  method: "POST",
  headers: { authorization: `Bearer ${CLIENT_TOKEN}`, "content-type": "application/json" },
  body: JSON.stringify({ model: "gpt-4o-mini", stream, messages: [{ role: "user", content: "Hi" }] }),
});
const addKey = {
  method: "POST",
  headers: { authorization: `Bearer ${ADMIN_PASSWORD}`, "content-type": "application/json" },
  body: JSON.stringify({ provider: "openai", keys: UPSTREAM_KEY }),
};

describe.each(["oldest", "newest"])("a project outside the workspace, %s Hono 4 release", (which) => {
  let project: ConsumerProject;
  beforeAll(async () => {
    const hono = which === "oldest" ? oldestSupportedHono(packed) : "^4";
    const packages = [...installLine("Node"), ...installLine("Cloudflare Workers"), "@keyhive/provider-gemini"];
    project = await createConsumerProject({ packed, hono, packages: [...new Set(packages)] });
  }, 300_000);

  it("installs one copy of hono, which the app and every @keyhive package share", () => {
    const copies = project.copiesOf("hono");
    expect(copies).toHaveLength(1);
    if (which === "oldest") expect(copies[0]).toBe(oldestSupportedHono(packed));
    else expect(Number(copies[0]?.split(".")[1])).toBeGreaterThanOrEqual(13);
    expect(project.copiesOf("@keyhive/gateway")).toEqual(["0.1.0"]);
  });

  it("type-checks and builds the README's Node program, the storage README's and docs/build-your-own.md's", async () => {
    await buildNodePrograms(project);
  }, 120_000);

  it("runs the README's Node program: admin UI, an added key, a streamed chat upstream", async () => {
    mock.requestsByKey.clear();
    const server = await startNodeServer(project, {
      KEYHIVE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      KEYHIVE_CLIENT_TOKENS: CLIENT_TOKEN,
      OPENAI_BASE_URL: mock.baseURL,
    });
    try {
      const admin = await fetch(`${server.url}/admin`);
      expect(admin.status).toBe(200);
      expect(admin.headers.get("content-type")).toContain("text/html");
      expect((await fetch(`${server.url}/admin/api/keys`, addKey)).status).toBe(201);
      const streamed = await fetch(`${server.url}/v1/chat/completions`, chat(true));
      expect(streamed.status).toBe(200);
      expect(streamed.headers.get("content-type")).toContain("text/event-stream");
      expect(await streamed.text()).toContain("data: [DONE]");
      expect(mock.requestsByKey.get(UPSTREAM_KEY)).toBe(1);
    } finally {
      server.stop();
    }
  }, 60_000);

  it("bundles the README's Worker with wrangler's dry run and serves it in workerd", async () => {
    const bundle = await bundleWorker(project);
    expect(bundle).not.toMatch(/from\s*["']node:/);
    mock.requestsByKey.clear();
    const worker = runWorkerBundle(project, {
      KEYHIVE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      KEYHIVE_CLIENT_TOKENS: CLIENT_TOKEN,
      OPENAI_BASE_URL: mock.baseURL,
    });
    try {
      const admin = await worker.dispatchFetch("http://127.0.0.1/admin");
      expect(admin.status).toBe(200);
      await admin.arrayBuffer();
      const added = await worker.dispatchFetch("http://127.0.0.1/admin/api/keys", addKey);
      expect(added.status, await added.text()).toBe(201);
      const answer = await worker.dispatchFetch("http://127.0.0.1/v1/chat/completions", chat(false));
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { object: string }).object).toBe("chat.completion");
      expect(mock.requestsByKey.get(UPSTREAM_KEY)).toBe(1);
    } finally {
      await worker.dispose();
    }
  }, 120_000);
});
