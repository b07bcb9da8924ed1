/**
 * The SDK suite's upstream mocks and pool: 20 OpenAI keys (so key affinity is a real question),
 * two SiliconFlow keys (Messages surface) and two Gemini keys, added through the admin API of
 * whichever runtime runs the gateway.
 */
import { type MockGemini, startMockGemini } from "@keyhive/provider-gemini/testing";
import { type MockOpenAI, startMockOpenAI } from "@keyhive/provider-openai/testing";
import { type MockSiliconFlow, startMockSiliconFlow } from "@keyhive/provider-siliconflow/testing";
import { expect } from "vitest";
import type { SdkGatewayEnv } from "./fixtures/sdk-gateway.js";

export const SDK_TOKEN = "kh-sdk-suite-client-token";
const ADMIN = "sdk-suite-admin-password";

export const OPENAI_KEYS = Array.from(
  { length: 20 },
  (_, i) => `sk-proj-sdk${String(i).padStart(2, "0")}${"x".repeat(24)}`,
);
export const SILICONFLOW_KEYS = ["a", "b"].map((l) => `sk-${l.repeat(48)}`);
export const GEMINI_KEYS = ["A", "B"].map((l) => `AIzaSy${`SdkSuite${l}`.padEnd(33, "x")}`);

export interface SdkMocks {
  openai: MockOpenAI;
  siliconflow: MockSiliconFlow;
  gemini: MockGemini;
  env: SdkGatewayEnv;
  close(): Promise<void>;
}

export async function startSdkMocks(): Promise<SdkMocks> {
  const ok = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, "ok" as const]));
  const openai = await startMockOpenAI({ keys: ok(OPENAI_KEYS) });
  const siliconflow = await startMockSiliconFlow({ keys: ok(SILICONFLOW_KEYS) });
  const gemini = await startMockGemini({ keys: ok(GEMINI_KEYS) });
  return {
    openai,
    siliconflow,
    gemini,
    env: {
      OPENAI_BASE_URL: openai.baseURL,
      SILICONFLOW_BASE_URL: siliconflow.baseURL,
      GEMINI_BASE_URL: gemini.baseURL,
      CLIENT_TOKEN: SDK_TOKEN,
      ADMIN_PASSWORD: ADMIN,
    },
    close: async () => {
      await Promise.all([openai.close(), siliconflow.close(), gemini.close()]);
    },
  };
}

/** Adds every key of the suite through the admin API, as a user would. */
export async function addSdkKeys(origin: string): Promise<void> {
  for (const [provider, keys] of [
    ["openai", OPENAI_KEYS],
    ["siliconflow", SILICONFLOW_KEYS],
    ["gemini", GEMINI_KEYS],
  ] as const) {
    const res = await fetch(`${origin}/admin/api/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify({ provider, keys }),
    });
    const body = (await res.json()) as { added: unknown[] };
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body.added).toHaveLength(keys.length);
  }
}

/** The pool key of the OpenAI mock's latest request. */
export const lastOpenAIKey = (mocks: SdkMocks) => mocks.openai.requests.at(-1)?.headers.authorization;
