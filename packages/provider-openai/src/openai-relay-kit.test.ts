/**
 * The conformance kit as a third party first meets it: an OpenAI-compatible relay adapter tested
 * against the mock's plain `"ok"` key, whose stream leaves in one piece. The kit must pass it
 * (the SSE check without `incremental`), as the gateway README's worked example promises.
 */
import { readFileSync } from "node:fs";
import { testProvider } from "@keyhive/gateway/testing/suites";
import { expect, it } from "vitest";
import { createOpenAICompatible } from "./openai-compatible.js";
import { startMockOpenAI } from "./testing.js";

const OK = "relay-key-ok-000000000000";

testProvider({
  name: "an OpenAI-compatible relay on the mock's ok key",
  provider: (baseURL) => createOpenAICompatible({ id: "my-relay", baseURL }),
  mock: () => startMockOpenAI({ keys: { [OK]: "ok" } }),
  validKeys: [OK],
  invalidKeyFormats: ["", "has space in it"],
  workingKey: OK,
  requests: [
    {
      name: "chat completions",
      path: "/chat/completions",
      json: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] },
      upstreamPath: "/v1/chat/completions",
    },
  ],
  stream: {
    name: "chat completions",
    path: "/chat/completions",
    json: { model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "hi" }] },
    upstreamPath: "/v1/chat/completions",
  },
  checks: [{ name: "the working key → valid", key: OK, expect: { status: "valid" } }],
  models: { key: OK, includes: ["gpt-4o-mini"] },
});

it("is the worked example in @keyhive/gateway's README, word for word", () => {
  const readme = readFileSync(new URL("../../gateway/README.md", import.meta.url), "utf8");
  const self = readFileSync(new URL(import.meta.url), "utf8");
  const example = self.slice(self.indexOf("testProvider({"), self.indexOf('\nit("is the worked'));
  expect(readme).toContain(example.trim());
});
