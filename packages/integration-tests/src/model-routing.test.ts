/**
 * Model routing with the three real adapters in front of their local mocks: the bare
 * `GET /v1/models` merges whoever has a usable key (no default provider), a SiliconFlow pool of
 * zero-balance keys lists its free models, Gemini's embedding ids reach Gemini, an unknown model
 * answers 404 naming the providers, and scoped tokens see only what they may use.
 */
import { createGemini } from "@keyhive/provider-gemini";
import { type MockGemini, startMockGemini } from "@keyhive/provider-gemini/testing";
import { createOpenAI } from "@keyhive/provider-openai";
import { type MockOpenAI, startMockOpenAI } from "@keyhive/provider-openai/testing";
import { createSiliconFlow, SILICONFLOW_FREE_MODELS } from "@keyhive/provider-siliconflow";
import { type MockSiliconFlow, startMockSiliconFlow } from "@keyhive/provider-siliconflow/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Served, seedKeys, serveGateway } from "./rig.js";

type ModelList = { object: string; data: { id: string; owned_by: string }[] };
type ErrorBody = { error: { message: string; code: string } };

const OPENAI_KEY = "sk-proj-routing-openai-0001";
const SF_BROKE = `sk-${"b".repeat(48)}`;
const SF_RICH = `sk-${"r".repeat(48)}`;
const GEMINI_KEY = `AIzaSy${"Routing".padEnd(33, "x")}`;

let openai: MockOpenAI;
let siliconflow: MockSiliconFlow;
let gemini: MockGemini;
let rig: Served;

beforeAll(async () => {
  openai = await startMockOpenAI({ keys: { [OPENAI_KEY]: "ok" } });
  siliconflow = await startMockSiliconFlow({ keys: { [SF_BROKE]: "zero-balance", [SF_RICH]: "ok" } });
  gemini = await startMockGemini({ keys: { [GEMINI_KEY]: "ok" } });
  // The examples' providers, in their order, and no default provider.
  rig = await serveGateway({
    providers: [
      createOpenAI({ baseURL: openai.baseURL }),
      createSiliconFlow({ baseURL: siliconflow.baseURL }),
      createGemini({ baseURL: gemini.baseURL }),
    ],
  });
});
afterAll(async () => {
  await rig.close();
  await Promise.all([openai.close(), siliconflow.close(), gemini.close()]);
});

const listIds = async (res: Response) => ((await res.json()) as ModelList).data.map((m) => m.id);
const tokenFor = async (scope: Record<string, unknown>) => {
  const created = await rig.admin("/admin/api/tokens", { json: { name: JSON.stringify(scope), ...scope } });
  return ((await created.json()) as { token: string }).token;
};

describe("a pool with Gemini keys only", () => {
  beforeAll(() => seedKeys(rig.gateway, [GEMINI_KEY], "gemini"));

  it("lists Gemini's models on the bare route, the others skipped and named", async () => {
    const res = await rig.call("/v1/models");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-keyhive-skipped-providers")).toBe("openai=no_usable_key, siliconflow=no_usable_key");
    const ids = await listIds(res);
    expect(ids).toEqual(expect.arrayContaining(["gemini-2.5-flash", "text-embedding-004", "gemini-embedding-001"]));
    expect(ids.every((id) => !id.includes(":"))).toBe(true);
  });

  it("sends text-embedding-004 on the bare route to Gemini", async () => {
    const from = gemini.requests.length;
    const res = await rig.call("/v1/embeddings", { json: { model: "text-embedding-004", input: ["a", "b"] } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(2);
    expect(gemini.requests.slice(from).map((r) => r.path)).toEqual(["/v1beta/openai/embeddings"]);
    expect(openai.requests.some((r) => r.path.includes("embeddings"))).toBe(false);
  });

  it("answers 404 model_not_found naming the providers and the prefix for an unknown model", async () => {
    const res = await rig.call("/v1/chat/completions", { json: { model: "mystery-1", messages: [] } });
    expect(res.status).toBe(404);
    const { error } = (await res.json()) as ErrorBody;
    expect(error.code).toBe("model_not_found");
    expect(error.message).toBe(
      "No provider claims model 'mystery-1'. Name the provider: prefix the model as '<provider>:<model>' (e.g. 'openai:mystery-1') or call /<provider>/v1/...; providers: openai, siliconflow, gemini.",
    );
    const prefixed = await rig.call("/v1/chat/completions", {
      json: { model: "gemini:gemini-2.5-flash", messages: [{ role: "user", content: "hi" }] },
    });
    expect(prefixed.status).toBe(200);
  });
});

describe("a SiliconFlow pool of zero-balance keys", () => {
  beforeAll(async () => {
    await seedKeys(rig.gateway, [SF_BROKE], "siliconflow");
    // The adapter's own balance check against the mock marks the key exhausted.
    const [record] = rig.gateway.pool.keysOf("siliconflow");
    const provider = rig.gateway.providers.get("siliconflow");
    if (!record || !provider) throw new Error("no key");
    rig.gateway.pool.reportCheck(record.id, await provider.checkKey(rig.gateway.pool.toPoolKey(record)));
    expect(rig.gateway.pool.get(record.id)?.status).toBe("exhausted");
  });

  it("lists its free models instead of failing, on the bare and the provider route", async () => {
    const from = siliconflow.requests.length;
    const bare = await listIds(await rig.call("/v1/models"));
    expect(bare).toEqual(expect.arrayContaining([...SILICONFLOW_FREE_MODELS, "gemini-2.5-flash"]));
    expect(bare).not.toContain("deepseek-ai/DeepSeek-V3");
    const own = await rig.call("/siliconflow/v1/models");
    expect(own.status).toBe(200);
    expect(await listIds(own)).toEqual([...SILICONFLOW_FREE_MODELS]);
    expect(siliconflow.requests.slice(from).filter((r) => r.path.endsWith("/models"))).toEqual([]);
    // A listed free model is served by the zero-balance key.
    const chat = await rig.call("/v1/chat/completions", {
      json: { model: "Qwen/Qwen3-8B", messages: [{ role: "user", content: "hi" }] },
    });
    expect(chat.status).toBe(200);
  });
});

describe("a pool with OpenAI, SiliconFlow and Gemini keys", () => {
  beforeAll(async () => {
    await seedKeys(rig.gateway, [OPENAI_KEY], "openai");
    await seedKeys(rig.gateway, [SF_RICH], "siliconflow");
  });

  it("merges the three lists, each id as its provider names it", async () => {
    const res = await rig.call("/v1/models");
    expect(res.headers.get("x-keyhive-skipped-providers")).toBeNull();
    const body = (await res.json()) as ModelList;
    expect(body.object).toBe("list");
    const ids = body.data.map((m) => m.id);
    expect(ids).toEqual(
      expect.arrayContaining(["gpt-4o-mini", "text-embedding-3-small", "Qwen/Qwen3-8B", "deepseek-ai/DeepSeek-V3"]),
    );
    expect(ids).toEqual(expect.arrayContaining(["gemini-2.5-flash", "text-embedding-004"]));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("shows scoped tokens only their providers and models", async () => {
    const asToken = async (token: string) =>
      listIds(await fetch(`${rig.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } }));
    const geminiOnly = await asToken(await tokenFor({ providers: ["gemini"] }));
    expect(geminiOnly).toContain("gemini-2.5-flash");
    expect(geminiOnly.some((id) => id.startsWith("gpt-") || id.includes("/"))).toBe(false);
    expect(await asToken(await tokenFor({ models: ["text-embedding-004", "gpt-4o-mini"] }))).toEqual([
      "gpt-4o-mini",
      "text-embedding-004",
    ]);
  });
});
