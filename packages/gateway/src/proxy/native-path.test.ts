import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCall, createFakeProvider, seedKeys, startRig, type TestRig } from "../../test/support/index.js";
import { canonicalNativePath } from "./native-path.js";

describe("canonicalNativePath", () => {
  it("collapses duplicate slashes and drops a trailing one", () => {
    expect(canonicalNativePath("/native/models//fake-chat-large:generate")).toBe(
      "/native/models/fake-chat-large:generate",
    );
    expect(canonicalNativePath("//native///models/")).toBe("/native/models");
  });

  it("decodes escapes once and re-encodes what must stay escaped", () => {
    expect(canonicalNativePath("/native/models/fake%2Dchat%2Dlarge%3Agenerate")).toBe(
      "/native/models/fake-chat-large:generate",
    );
    expect(canonicalNativePath("/native/models/a b%25c%3Fd")).toBe("/native/models/a%20b%25c%3Fd");
  });

  it("refuses malformed escapes, encoded slashes and dot segments with a 400", () => {
    for (const path of [
      "/native/models/%E0%A4%A",
      "/native/models/fake%",
      "/native/models/fake-chat-small%2F..%2Ffake-chat-large:generate",
      "/native/models/a%5Cb",
      "/native/models/%2E%2E/x",
    ]) {
      expect(() => canonicalNativePath(path), path).toThrow(expect.objectContaining({ status: 400 }));
    }
  });
});

/** The fake provider's native error shape. */
type NativeError = { fault: { status: number; code: string; message: string } };

// Real vendors' native surfaces: integration-tests (e.g. its native-paths test).
describe("native paths over real HTTP (the fake provider's native surface)", () => {
  let rig: TestRig;
  let smallOnly: string;
  const key = "fake-native-path-key-0001";
  beforeAll(async () => {
    rig = await startRig({ keys: { [key]: "ok" } }, {}, (upstream) => [
      createFakeProvider({ baseURL: upstream.baseURL, native: true }),
    ]);
    await seedKeys(rig.gateway, [key]);
    const created = await adminCall(rig, "/admin/api/tokens", {
      json: { name: "small", models: ["fake-chat-small"] },
    });
    smallOnly = ((await created.json()) as { token: string }).token;
  });
  afterAll(() => rig.close());

  const generate = (path: string, token = smallOnly) =>
    fetch(`${rig.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ prompt: "hi" }),
    });

  it("checks the scope against the model of a path with duplicate slashes", async () => {
    for (const path of ["/native/models//fake-chat-large:generate", "/fake/native/models///fake-chat-large:generate"]) {
      const res = await generate(path);
      expect(res.status, path).toBe(403);
      const body = (await res.json()) as NativeError;
      expect(body.fault.status, path).toBe(403);
      expect(body.fault.message, path).toContain("fake-chat-large");
    }
  });

  it("sends the allowed model upstream on the same canonical path the scope was checked on", async () => {
    const from = rig.upstream.requests.length;
    const res = await generate("/native/models//fake-chat-small:generate");
    expect(res.status).toBe(200);
    expect(rig.upstream.requests.slice(from).map((r) => r.path)).toEqual(["/native/models/fake-chat-small:generate"]);
  });

  it("answers 400 in the native shape to encoded slashes and malformed escapes, never a 500", async () => {
    const from = rig.upstream.requests.length;
    for (const path of [
      "/native/models/fake-chat-small%2F..%2Ffake-chat-large:generate",
      "/native/models/fake-chat-small%2Ffake-chat-large:generate",
      "/native/models/%E0%A4%A:generate",
      "/fake/native/models/fake%:generate",
    ]) {
      const res = await generate(path);
      expect(res.status, path).toBe(400);
      const body = (await res.json()) as NativeError;
      expect(body.fault.status, path).toBe(400);
    }
    expect(rig.upstream.requests.length).toBe(from);
  });

  it("refuses a path whose model cannot be read for a model-scoped token, lets the listing through", async () => {
    const res = await generate("/native/models/fake-chat-large/extra:generate");
    expect(res.status).toBe(403);
    const list = await fetch(`${rig.url}/native/models`, { headers: { authorization: `Bearer ${smallOnly}` } });
    expect(list.status).toBe(200);
  });
});
