import { describe, expect, it } from "vitest";
import { describeBody, mediaTypeOf } from "./read-body.js";

const bytes = (text: string) => new TextEncoder().encode(text).buffer as ArrayBuffer;
const chat = JSON.stringify({ model: "gpt-4o", stream: true, messages: [] });

describe("mediaTypeOf", () => {
  it("lowercases and drops parameters", () => {
    expect(mediaTypeOf("Application/JSON; charset=UTF-8")).toBe("application/json");
    expect(mediaTypeOf(" text/plain ")).toBe("text/plain");
    expect(mediaTypeOf("")).toBe("");
  });
});

describe("describeBody", () => {
  it("reads JSON whatever the case of its label, its parameters or a +json suffix", async () => {
    for (const type of [
      "application/json",
      "APPLICATION/JSON",
      "application/json;charset=utf-8",
      "application/vnd.x+json",
    ]) {
      expect(await describeBody(bytes(chat), type), type).toMatchObject({ model: "gpt-4o", stream: true });
    }
  });

  it("reads a JSON object labelled text/plain, something else or nothing", async () => {
    for (const type of ["text/plain", "text/plain; charset=utf-8", "application/octet-stream", ""]) {
      const facts = await describeBody(bytes(`\ufeff \n${chat}`), type);
      expect(facts, type).toMatchObject({ model: "gpt-4o", stream: true });
      expect(facts.json, type).toBeDefined();
    }
  });

  it("leaves bodies that are not JSON objects unread unless they claim to be JSON", async () => {
    expect(await describeBody(bytes("model=gpt-4o"), "text/plain")).toEqual({ stream: false });
    expect(await describeBody(bytes("{not json"), "text/plain")).toEqual({ stream: false });
    expect(await describeBody(bytes('["gpt-4o"]'), "")).toEqual({ stream: false });
    await expect(describeBody(bytes("{not json"), "Application/Json")).rejects.toMatchObject({
      status: 400,
      code: "invalid_json",
    });
    await expect(describeBody(bytes('{"model":4}'), "text/plain")).rejects.toMatchObject({
      status: 400,
      param: "model",
    });
  });

  it("reads the model field of multipart forms labelled in any case", async () => {
    const form = new FormData();
    form.set("model", "whisper-1");
    form.set("file", new Blob(["RIFF"]), "a.wav");
    const request = new Request("http://x", { method: "POST", body: form });
    const type = (request.headers.get("content-type") ?? "").replace("multipart/form-data", "Multipart/Form-Data");
    expect(await describeBody(await request.arrayBuffer(), type)).toMatchObject({ model: "whisper-1" });
  });
});
