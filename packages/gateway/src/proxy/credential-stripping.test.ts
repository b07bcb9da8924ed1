/**
 * The core alone strips the client's credentials: a provider that forwards every header and the
 * query verbatim still sends the upstream none of them, in any of the places a client may put one.
 */
import { describe, expect, it } from "vitest";
import { CLIENT_TOKEN, type FakeUpstream, startRig } from "../../test/support/index.js";
import type { Provider } from "../spec/provider.js";
import { joinURL } from "../util/url.js";

/** Forwards the request exactly as the gateway handed it over, plus the pool key. */
function verbatimProvider(baseURL: string): Provider {
  return {
    specificationVersion: "v1",
    id: "verbatim",
    clientKeyHeaders: ["x-verbatim-key"],
    validateKeyFormat: () => ({ ok: true }),
    rewriteRequest(request, key) {
      const headers = new Headers(request.headers);
      headers.set("authorization", `Bearer ${key.secret}`);
      const url =
        request.api === "native"
          ? `${new URL(baseURL).origin}${request.path}${request.search}`
          : joinURL(baseURL, request.path, request.search);
      return { url, method: request.method, headers, body: request.body };
    },
    nativeRoutes: [{ method: "POST", path: "/native/models/:action{.+}" }],
    classifyFailure: (failure) => ({ kind: "upstream_error", message: `HTTP ${failure.status}` }),
    checkKey: async () => ({ status: "valid" }),
    listModels: async () => [],
  };
}

const POOL_KEY = "pool-key-verbatim-1";
const OTHER = "kh-planted-elsewhere";

/** Where a client may send its token; every other place carries another credential. */
const PLACES: Record<string, { headers: Record<string, string>; search: string }> = {
  authorization: { headers: { authorization: `Bearer ${CLIENT_TOKEN}`, "x-api-key": OTHER }, search: `?key=${OTHER}` },
  "x-api-key": { headers: { "x-api-key": CLIENT_TOKEN, "x-verbatim-key": OTHER }, search: "?alt=sse" },
  "provider key header": {
    headers: { "x-verbatim-key": CLIENT_TOKEN, cookie: `keyhive_session=${OTHER}` },
    search: "",
  },
  "?key=": { headers: { cookie: `a=1; keyhive_session=${OTHER}` }, search: `?alt=sse&key=${CLIENT_TOKEN}` },
};

function expectNoCredential(upstream: FakeUpstream): void {
  const seen = upstream.requests.at(-1);
  expect(seen?.key).toBe(POOL_KEY);
  const everything = JSON.stringify({ path: seen?.path, headers: seen?.headers });
  expect(everything).not.toContain(CLIENT_TOKEN);
  expect(everything).not.toContain(OTHER);
  expect(seen?.headers["x-api-key"]).toBeUndefined();
  expect(seen?.headers["x-verbatim-key"]).toBeUndefined();
  expect(seen?.headers.cookie).toBeUndefined();
  expect(seen?.path).not.toContain("key=");
}

describe("client credentials never reach the upstream", () => {
  it.each(Object.keys(PLACES))("a token sent in %s, with others planted, on both surfaces", async (place) => {
    const rig = await startRig({ keys: { [POOL_KEY]: "ok" } }, {}, (upstream) => [verbatimProvider(upstream.baseURL)]);
    try {
      await rig.addKeys([POOL_KEY], "verbatim");
      const { headers, search } = PLACES[place] as (typeof PLACES)[string];
      const send = (path: string, body: unknown) =>
        fetch(`${rig.url}${path}${search}`, {
          method: "POST",
          headers: { ...headers, "content-type": "application/json", "x-kept": "yes" },
          body: JSON.stringify(body),
        });
      const chat = await send("/verbatim/v1/chat/completions", { model: "m", messages: [] });
      expect(chat.status, await chat.text()).toBe(200);
      expectNoCredential(rig.upstream);
      expect(rig.upstream.requests.at(-1)?.headers["x-kept"]).toBe("yes");
      if (search.includes("alt=sse")) expect(rig.upstream.requests.at(-1)?.path).toContain("alt=sse");

      const native = await send("/verbatim/native/models/m:generate", { contents: [] });
      expect(native.status, await native.text()).toBe(200);
      expect(rig.upstream.requests.at(-1)?.path).toMatch(/^\/native\/models\/m:generate/);
      expectNoCredential(rig.upstream);
    } finally {
      await rig.close();
    }
  });
});
