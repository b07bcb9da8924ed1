/** The real `bun run src/main.ts` process, proxying JSON and SSE to the mock upstream. */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMockOpenAI } from "@keyhive/provider-openai/testing";
import { expect, it } from "vitest";

const BUN = fileURLToPath(new URL("../../../node_modules/.bin/bun", import.meta.url));

it("bun run src/main.ts serves the gateway: generated secrets, admin UI, chat (JSON and stream)", async () => {
  const key = "sk-bun-upstream-key-00001";
  const mock = await startMockOpenAI({ keys: { [key]: "ok" } });
  const dataDir = mkdtempSync(join(tmpdir(), "keyhive-bun-"));
  const child = spawn(BUN, ["run", "src/main.ts"], {
    env: { ...process.env, PORT: "0", KEYHIVE_DATA_DIR: dataDir, OPENAI_BASE_URL: mock.baseURL },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => {
    out += String(d);
  });
  child.stderr.on("data", (d) => {
    out += String(d);
  });
  try {
    for (const deadline = Date.now() + 20_000; !/client token:/.test(out) && Date.now() < deadline; )
      await new Promise((r) => setTimeout(r, 25));
    const url = /listening on (http:\/\/\S+);/.exec(out)?.[1];
    const admin = /admin password: (\S+)/.exec(out)?.[1];
    const token = /client token:\s+(\S+)/.exec(out)?.[1];
    expect(url && admin && token, out).toBeTruthy();

    expect((await fetch(`${url}/admin`)).headers.get("content-type")).toContain("text/html");
    const added = await fetch(`${url}/admin/api/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: JSON.stringify({ provider: "openai", keys: key }),
    });
    expect(added.status).toBe(201);
    const chat = (stream: boolean) =>
      fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o-mini", stream, messages: [{ role: "user", content: "Hi" }] }),
      });
    const json = (await (await chat(false)).json()) as { choices: { message: { content: string } }[] };
    expect(json.choices[0]?.message.content).toBe("Hello from the mock upstream");
    const sse = await (await chat(true)).text();
    expect(sse.match(/^data: /gm)?.length).toBeGreaterThan(3);
    expect(sse).toContain("data: [DONE]");
    expect(mock.requestsByKey.get(key)).toBe(2);
  } finally {
    child.kill("SIGTERM");
    await mock.close();
  }
});
