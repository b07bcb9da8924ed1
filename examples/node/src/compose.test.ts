/** docs/build-your-own.md's program, run as a real process: own routes and the gateway in one app. */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMockOpenAI } from "@keyhive/provider-openai/testing";
import { expect, it } from "vitest";

it("mounts the gateway inside an existing Hono app (own route, admin UI, proxy)", async () => {
  const key = "sk-compose-upstream-0001";
  const mock = await startMockOpenAI({ keys: { [key]: "ok" } });
  const child = spawn(process.execPath, ["dist/compose.js"], {
    env: {
      ...process.env,
      PORT: "0",
      KEYHIVE_DATA_DIR: mkdtempSync(join(tmpdir(), "keyhive-compose-")),
      KEYHIVE_ADMIN_PASSWORD: "compose-admin-pw",
      KEYHIVE_CLIENT_TOKENS: "kh-compose",
      OPENAI_BASE_URL: mock.baseURL,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    let out = "";
    child.stdout.on("data", (d) => {
      out += String(d);
    });
    for (const deadline = Date.now() + 10_000; !out.includes("listening on") && Date.now() < deadline; )
      await new Promise((r) => setTimeout(r, 25));
    const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
    expect(url).toBeTruthy();

    expect(await (await fetch(`${url}/healthz`)).text()).toBe("ok");
    expect((await fetch(`${url}/admin`)).headers.get("content-type")).toContain("text/html");
    const added = await fetch(`${url}/admin/api/keys`, {
      method: "POST",
      headers: { authorization: "Bearer compose-admin-pw", "content-type": "application/json" },
      body: JSON.stringify({ provider: "openai", keys: key }),
    });
    expect(added.status).toBe(201);
    const chat = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer kh-compose", "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
    });
    expect(chat.status).toBe(200);
    expect(mock.requestsByKey.get(key)).toBe(1);
  } finally {
    child.kill("SIGTERM");
    await mock.close();
  }
});

it("docs/build-your-own.md shows exactly this program", () => {
  const doc = readFileSync(new URL("../../../docs/build-your-own.md", import.meta.url), "utf8");
  const shown = /```ts\n([\s\S]*?)```/.exec(doc)?.[1];
  const program = readFileSync(new URL("./compose.ts", import.meta.url), "utf8").replace(/^\/\*\*[\s\S]*?\*\/\n/, "");
  expect(shown).toBe(program);
});
