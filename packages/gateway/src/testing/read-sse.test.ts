import { describe, expect, it } from "vitest";
import { parseSse, readSse, readSseData } from "./read-sse.js";

describe("the kit's SSE reader", () => {
  it("reads named events, multi-line data and ids like a client, and skips comments", () => {
    const text = ': keep-alive\n\nevent: response.created\nid: 7\ndata: {"a":1}\n\ndata: line one\ndata: line two\n\n';
    expect(parseSse(text)).toEqual([
      { event: "response.created", data: '{"a":1}', id: "7" },
      { event: "message", data: "line one\nline two" },
    ]);
  });

  it("drops an event the stream cut before its blank line, as EventSource does", () => {
    expect(parseSse('data: {"ok":true}\n\ndata: {"cut"').map((e) => e.data)).toEqual(['{"ok":true}']);
  });

  it("reads a response whose events arrive split across chunks, CRLF framed", async () => {
    const parts = ['data: {"n"', ":1}\r\n", "\r\ndata: [DONE]\r\n\r\n"];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
        controller.close();
      },
    });
    expect(await readSseData(new Response(body))).toEqual(['{"n":1}', "[DONE]"]);
    expect(await readSse(new Response("event: error\ndata: x\n\n"))).toEqual([{ event: "error", data: "x" }]);
  });
});
