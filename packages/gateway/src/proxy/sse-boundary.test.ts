import { describe, expect, it } from "vitest";
import { lastEventEnd, SseBoundary } from "./sse-boundary.js";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : "");

describe("SseBoundary", () => {
  const stream = 'data: {"a":1}\n\n: ping\n\ndata: {"b":\n2}\r\n\r\ndata: [DONE]\n\n';

  it("finds the end of the last complete event in LF and CRLF framing", () => {
    expect(lastEventEnd(bytes("data: x\n\ndata: y"))).toBe(9);
    expect(lastEventEnd(bytes("data: x\r\n\r\ndata: y\r\n"))).toBe(11);
    expect(lastEventEnd(bytes("data: x\n"))).toBe(0);
  });

  it("passes whole events at once and holds only the unfinished one, for every split position", () => {
    const all = bytes(stream);
    for (let cut = 0; cut <= all.length; cut++) {
      const boundary = new SseBoundary();
      const out = [boundary.push(all.subarray(0, cut)), boundary.push(all.subarray(cut)), boundary.flush()];
      expect(out.map(text).join("")).toBe(stream);
      // Whatever went out before the end is whole events.
      const firstOut = text(out[0]);
      expect(firstOut === "" || firstOut.endsWith("\n\n") || firstOut.endsWith("\r\n\r\n")).toBe(true);
    }
  });

  it("one byte per chunk: every output ends on an event boundary, nothing lost", () => {
    const boundary = new SseBoundary();
    const outputs: string[] = [];
    for (const byte of bytes(stream)) {
      const out = boundary.push(Uint8Array.of(byte));
      if (out) outputs.push(text(out));
    }
    expect(boundary.flush()).toBeUndefined();
    expect(outputs.join("")).toBe(stream);
    expect(outputs).toEqual(['data: {"a":1}\n\n', ": ping\n\n", 'data: {"b":\n2}\r\n\r\n', "data: [DONE]\n\n"]);
  });

  it("discards a broken event, and flushes a clean end without a trailing blank line", () => {
    const broken = new SseBoundary();
    expect(text(broken.push(bytes('data: {"a":1}\n\ndata: {"tru')))).toBe('data: {"a":1}\n\n');
    broken.discard();
    expect(broken.flush()).toBeUndefined();
    const unterminated = new SseBoundary();
    expect(unterminated.push(bytes("data: last"))).toBeUndefined();
    expect(text(unterminated.flush())).toBe("data: last");
  });
});
