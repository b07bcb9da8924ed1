import { describe, expect, it } from "vitest";
import { adminCall, chatBody, startRig } from "../../test/support/index.js";
import type { TokenRecord } from "../spec/storage.js";
import { checkTokenScope } from "./token-scope.js";

type ErrorBody = { error: { message: string; type: string; code: string; param: string | null } };

const token = (extra: Partial<TokenRecord>): TokenRecord => ({
  id: "tok-1",
  name: "t",
  hash: "h",
  hint: "kh-…",
  createdAt: 0,
  ...extra,
});

describe("checkTokenScope", () => {
  it("refuses a model-scoped token whose model is unknown on anything but a read", () => {
    const scoped = token({ models: ["fake-chat-small"] });
    expect(() => checkTokenScope(scoped, "fake", undefined, "POST")).toThrow(
      expect.objectContaining({ status: 403, code: "model_required" }),
    );
    expect(() => checkTokenScope(scoped, "fake", undefined, "GET")).not.toThrow();
    expect(() => checkTokenScope(scoped, "fake", "fake-chat-small", "POST")).not.toThrow();
    expect(() => checkTokenScope(scoped, "fake", "fake-chat-large", "POST")).toThrow(
      expect.objectContaining({ code: "model_not_allowed" }),
    );
  });

  it("lets unscoped and provider-only tokens send requests without a readable model", () => {
    expect(() => checkTokenScope(token({}), "fake", undefined, "POST")).not.toThrow();
    expect(() => checkTokenScope(token({ providers: ["fake"] }), "fake", undefined, "POST")).not.toThrow();
    expect(() => checkTokenScope(token({ providers: ["other"] }), "fake", undefined, "GET")).toThrow(
      expect.objectContaining({ code: "provider_not_allowed" }),
    );
  });
});

describe("model scope over real HTTP, whatever the body's label", () => {
  it("reads the model of JSON bodies labelled in any case, with parameters, as text/plain or not at all", async () => {
    const rig = await startRig({ acceptAnyKey: true, models: ["fake-chat-small", "fake-chat-large"] });
    try {
      await rig.addKeys(["sk-scope-key-000001"]);
      const created = await adminCall(rig, "/admin/api/tokens", {
        json: { name: "mini", models: ["fake-chat-small"] },
      });
      const { token: secret } = (await created.json()) as { token: string };
      const send = (contentType: string | undefined, body: string) => {
        const headers = new Headers({ authorization: `Bearer ${secret}` });
        if (contentType) headers.set("content-type", contentType);
        // A Blob without a type lets fetch send no content-type at all (a string gets text/plain).
        return fetch(`${rig.url}/v1/chat/completions`, { method: "POST", headers, body: new Blob([body]) });
      };
      const bigModel = JSON.stringify(chatBody({ model: "fake-chat-large" }));
      const labels = [
        "application/json",
        "Application/JSON",
        "APPLICATION/JSON; charset=utf-8",
        "application/json;charset=UTF-8",
        "application/vnd.keyhive+json",
        "text/plain",
        "text/plain;charset=utf-8",
        "application/x-www-form-urlencoded",
        undefined,
      ];
      for (const label of labels) {
        const res = await send(label, bigModel);
        expect(res.status, String(label)).toBe(403);
        expect(((await res.json()) as ErrorBody).error, String(label)).toMatchObject({
          type: "permission_error",
          code: "model_not_allowed",
        });
      }
      const before = rig.upstream.requests.length;
      expect((await send("text/plain", JSON.stringify(chatBody()))).status).toBe(200);
      expect((await send(undefined, JSON.stringify(chatBody()))).status).toBe(200);
      expect(rig.upstream.requests.length).toBe(before + 2);
      expect(rig.upstream.requests.every((r) => !r.body.toString().includes('"fake-chat-large"'))).toBe(true);
    } finally {
      await rig.close();
    }
  });

  it("refuses a body whose model cannot be read (fail closed), keeps listing models, leaves unscoped tokens alone", async () => {
    const rig = await startRig({ acceptAnyKey: true, models: ["fake-chat-small", "fake-chat-large"] });
    try {
      await rig.addKeys(["sk-scope-key-000002"]);
      const created = await adminCall(rig, "/admin/api/tokens", {
        json: { name: "mini", models: ["fake-chat-small"] },
      });
      const { token: secret } = (await created.json()) as { token: string };
      const auth = { authorization: `Bearer ${secret}` };
      for (const [contentType, body] of [
        ["text/plain", "model: fake-chat-large"],
        ["application/octet-stream", "\u0000\u0001binary"],
        ["application/json", JSON.stringify({ messages: [] })],
      ] as const) {
        const res = await fetch(`${rig.url}/v1/images/generations`, {
          method: "POST",
          headers: { ...auth, "content-type": contentType },
          body,
        });
        expect(res.status, contentType).toBe(403);
        const { error } = (await res.json()) as ErrorBody;
        expect(error.code).toBe("model_required");
        expect(error.message).toContain("fake-chat-small");
      }
      const models = await fetch(`${rig.url}/v1/models`, { headers: auth });
      expect(models.status).toBe(200);
      // The client token of the rig has no scope: an unreadable body still passes through.
      const open = await rig.call("/v1/audio/speech", { method: "POST", body: "not json", headers: {} });
      expect(open.status).not.toBe(403);
    } finally {
      await rig.close();
    }
  });
});
