/**
 * End to end on Node: the real server with filesystem storage, driven by the official `openai`
 * SDK against the test kit's mock upstream.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type MockOpenAI, startMockOpenAI } from "@keyhive/provider-openai/testing";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningGateway, startNodeGateway } from "./server.js";

const UPSTREAM_KEY = "sk-node-e2e-key-000001";

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? allFiles(path) : [path];
  });
}

describe("Node gateway with the official openai SDK", () => {
  let mock: MockOpenAI;
  let running: RunningGateway;
  let client: OpenAI;
  let dataDir: string;

  beforeAll(async () => {
    mock = await startMockOpenAI({ keys: { [UPSTREAM_KEY]: "ok" } });
    dataDir = mkdtempSync(join(tmpdir(), "keyhive-node-"));
    running = await startNodeGateway({
      port: 0,
      host: "127.0.0.1",
      dataDir,
      clientTokens: [],
      baseURLs: { openai: mock.baseURL },
    });
    const { adminPassword, clientToken } = running.secrets;
    expect(adminPassword).toBeTruthy();
    expect(clientToken).toMatch(/^kh-/);
    const added = await fetch(`${running.url}/admin/api/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminPassword}`, "content-type": "application/json" },
      body: JSON.stringify({ provider: "openai", keys: UPSTREAM_KEY }),
    });
    expect(added.status).toBe(201);
    client = new OpenAI({ apiKey: clientToken, baseURL: `${running.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await running?.close();
    await mock?.close();
  });

  it("stores only hashes of the generated secrets, and generates them only once", async () => {
    const { adminPassword, clientToken } = running.secrets;
    const stored = allFiles(dataDir)
      .map((file) => readFileSync(file, "utf8"))
      .join("\n");
    expect(stored).not.toContain(adminPassword);
    expect(stored).not.toContain(clientToken);
    expect(stored).toContain(UPSTREAM_KEY.slice(0, 6)); // the upstream key itself is stored (unencrypted by default)
  });

  it("chat completion (non-stream)", async () => {
    const completion = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(completion.choices[0]?.message.content).toBe("Hello from the mock upstream");
    expect(completion.usage?.total_tokens).toBe(14);
  });

  it("chat completion (stream)", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
    });
    let text = "";
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? "";
    }
    expect(chunks).toBeGreaterThan(5);
    expect(text).toBe("Hello from the mock upstream");
  });

  it("embeddings and models", async () => {
    const embedding = await client.embeddings.create({ model: "text-embedding-3-small", input: ["a", "b"] });
    expect(embedding.data).toHaveLength(2);
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toContain("gpt-4o-mini");
  });

  it("surfaces an upstream error as the SDK's error type", async () => {
    const error = await client.chat.completions
      .create({ model: "missing-model", messages: [{ role: "user", content: "Hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe("model_not_found");

    const unauthorized = await new OpenAI({ apiKey: "kh-wrong", baseURL: `${running.url}/v1`, maxRetries: 0 }).models
      .list()
      .catch((e: unknown) => e);
    expect(unauthorized).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it("mounts the admin UI and registers the OpenAI, SiliconFlow and Gemini providers", async () => {
    const ui = await fetch(`${running.url}/admin`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain("<html");
    expect([...running.gateway.providers.keys()].sort()).toEqual(["gemini", "openai", "siliconflow"]);
  });

  it("a second start on the same data directory generates no new secrets", async () => {
    const second = await startNodeGateway({
      port: 0,
      host: "127.0.0.1",
      dataDir,
      clientTokens: [],
      baseURLs: { openai: mock.baseURL },
    });
    try {
      expect(second.secrets).toEqual({});
      const res = await fetch(`${second.url}/v1/models`, {
        headers: { authorization: `Bearer ${running.secrets.clientToken}` },
      });
      expect(res.status).toBe(200);
    } finally {
      await second.close();
    }
  });
});

describe("the re-check timer", () => {
  it("re-checks due keys on its own: a dead key added without a check turns invalid", async () => {
    const mock = await startMockOpenAI({ keys: { [UPSTREAM_KEY]: "ok" } });
    const running = await startNodeGateway({
      port: 0,
      host: "127.0.0.1",
      dataDir: mkdtempSync(join(tmpdir(), "keyhive-recheck-")),
      adminPassword: "recheck-admin-pw",
      clientTokens: ["kh-recheck"],
      baseURLs: { openai: mock.baseURL },
      recheckIntervalMs: 150,
    });
    try {
      const added = await fetch(`${running.url}/admin/api/keys`, {
        method: "POST",
        headers: { authorization: "Bearer recheck-admin-pw", "content-type": "application/json" },
        body: JSON.stringify({ provider: "openai", keys: "sk-dead-key-never-valid-01" }),
      });
      const id = ((await added.json()) as { added: { id: string }[] }).added[0]?.id as string;
      let status = "";
      for (const deadline = Date.now() + 5_000; status !== "invalid" && Date.now() < deadline; ) {
        await new Promise((r) => setTimeout(r, 100));
        status = (await running.gateway.storage.keys.get(id))?.status ?? "";
      }
      expect(status).toBe("invalid");
      expect(mock.requestsByKey.get("sk-dead-key-never-valid-01")).toBeGreaterThanOrEqual(1);
    } finally {
      await running.close();
      await mock.close();
    }
  });
});

describe("the real process (npm start)", () => {
  it("starts, prints its secrets once and proxies a request", async () => {
    const mock = await startMockOpenAI({ keys: { [UPSTREAM_KEY]: "ok" } });
    const dataDir = mkdtempSync(join(tmpdir(), "keyhive-proc-"));
    const child = spawn(process.execPath, ["dist/main.js"], {
      env: { ...process.env, PORT: "0", KEYHIVE_DATA_DIR: dataDir, OPENAI_BASE_URL: mock.baseURL },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let out = "";
      let err = "";
      let exited: number | null | undefined;
      child.stdout.on("data", (d) => {
        out += String(d);
      });
      child.stderr.on("data", (d) => {
        err += String(d);
      });
      child.on("exit", (code) => {
        exited = code;
      });
      const deadline = Date.now() + 15_000;
      while (!/client token:\s+(\S+)/.test(out) && exited === undefined && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(exited, `the process exited early: ${err}`).toBeUndefined();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      const admin = /admin password: (\S+)/.exec(out)?.[1];
      const token = /client token:\s+(\S+)/.exec(out)?.[1];
      expect(url && admin && token).toBeTruthy();
      await fetch(`${url}/admin/api/keys`, {
        method: "POST",
        headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
        body: JSON.stringify({ provider: "openai", keys: [UPSTREAM_KEY] }),
      });
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
      });
      expect(res.status).toBe(200);
    } finally {
      child.kill("SIGTERM");
      await mock.close();
    }
  });
});
