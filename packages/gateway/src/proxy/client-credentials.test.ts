import { describe, expect, it } from "vitest";
import type { Provider } from "../spec/provider.js";
import { clientKeyHeadersOf, extractClientCredential, withoutClientCredentials } from "./client-credentials.js";

const withKeyHeader = { clientKeyHeaders: ["X-Vendor-Key"] } as unknown as Provider;
const keyHeaders = clientKeyHeadersOf([withKeyHeader, { clientKeyHeaders: ["x-api-key"] } as unknown as Provider]);

describe("client credentials", () => {
  it("accepts x-api-key and every provider's own key header, once each, lowercase", () => {
    expect(keyHeaders).toEqual(["x-api-key", "x-vendor-key"]);
  });

  it("reads a bearer token first, then the key headers in order, then ?key=", () => {
    const both = new Headers({ authorization: "Bearer  kh-a ", "x-api-key": "kh-b", "x-vendor-key": "kh-c" });
    expect(extractClientCredential(both, "?key=kh-d", keyHeaders)).toBe("kh-a");
    expect(extractClientCredential(new Headers({ "x-vendor-key": " kh-c" }), "?key=kh-d", keyHeaders)).toBe("kh-c");
    expect(extractClientCredential(new Headers({ "x-vendor-key": "kh-c" }), "")).toBeUndefined();
    expect(extractClientCredential(new Headers(), "?alt=sse&key=kh-d", keyHeaders)).toBe("kh-d");
    expect(extractClientCredential(new Headers({ authorization: "Basic x" }), "", keyHeaders)).toBeUndefined();
  });

  it("removes the client's ?key= token from the query and leaves other queries byte for byte", () => {
    expect(withoutClientCredentials(new Headers(), "?key=kh-token&x=1").search).toBe("?x=1");
    expect(withoutClientCredentials(new Headers(), "?key=kh-token").search).toBe("");
    expect(withoutClientCredentials(new Headers(), "?alt=sse&a=%20").search).toBe("?alt=sse&a=%20");
  });

  it("removes every credential header and the session cookie, and keeps the rest", () => {
    const headers = new Headers({
      authorization: "Bearer kh-a",
      "x-api-key": "kh-b",
      "x-vendor-key": "kh-c",
      cookie: "keyhive_session=s",
      "content-type": "application/json",
      "x-custom": "kept",
    });
    const clean = withoutClientCredentials(headers, "", keyHeaders).headers;
    expect([...clean.keys()].sort()).toEqual(["content-type", "x-custom"]);
    expect(headers.get("authorization")).toBe("Bearer kh-a"); // the client's own request is untouched
  });
});
