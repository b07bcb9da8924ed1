/**
 * A real gateway over real HTTP in front of a SiliconFlow mock, for the end-to-end tests of the
 * Messages surface and vendor pass-through: keys added through the admin API, scoped tokens
 * created through it, like an operator would.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createGateway, type Gateway } from "@keyhive/gateway";
import { createOpenAI } from "@keyhive/provider-openai";
import { createMemoryStorage } from "@keyhive/storage";
import { createSiliconFlow } from "./siliconflow-provider.js";
import { type MockSiliconFlow, type SiliconFlowKeyBehaviour, startMockSiliconFlow } from "./testing.js";

export const CLIENT = "kh-test-token";
const ADMIN = "test-admin-pass";

export const sfKey = (letter: string) => `sk-${letter.repeat(48)}`;

export interface SiliconFlowE2E {
  mock: MockSiliconFlow;
  gateway: Gateway;
  origin: string;
  /** Internal gateway errors (none may happen). */
  errors: unknown[];
  /** Creates a client token through the admin API; returns its secret. */
  token(limits: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** `keys`: the pool's keys (added in order, to both providers) and how the mock treats each. */
export async function startSiliconFlowE2E(keys: [string, SiliconFlowKeyBehaviour][]): Promise<SiliconFlowE2E> {
  const mock = await startMockSiliconFlow({ keys: Object.fromEntries(keys), chunkDelayMs: 2 });
  const errors: unknown[] = [];
  const gateway = createGateway({
    // `relay`: the OpenAI-compatible adapter configured for a relay that speaks Messages too.
    providers: [
      createSiliconFlow({ baseURL: mock.baseURL }),
      createOpenAI({ id: "relay", baseURL: mock.baseURL, surfaces: ["messages"] }),
    ],
    storage: createMemoryStorage(),
    clientTokens: [CLIENT],
    adminPassword: ADMIN,
    onError: (error) => void errors.push(error),
  });
  await gateway.ready();
  const server = serve({ fetch: gateway.app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const admin = (path: string, body: unknown) =>
    fetch(`${origin}/admin/api${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  for (const provider of keys.length > 0 ? ["siliconflow", "relay"] : []) {
    const added = await admin("/keys", { provider, keys: keys.map(([key]) => key) });
    if (added.status !== 201) throw new Error(`adding keys answered ${added.status}`);
  }
  return {
    mock,
    gateway,
    origin,
    errors,
    async token(limits) {
      const res = await admin("/tokens", { name: "scoped", ...limits });
      if (res.status !== 201) throw new Error(`creating a token answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mock.close();
    },
  };
}
