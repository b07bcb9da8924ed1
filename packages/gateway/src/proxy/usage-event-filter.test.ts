import { describe, expect, it } from "vitest";
import { UsageEventFilter } from "./usage-event-filter.js";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : "");
const USAGE_EVENT = 'data: {"id":"x","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":3}}\n\n';

function run(chunks: string[]) {
  const filter = new UsageEventFilter();
  let out = "";
  for (const chunk of chunks) out += dec(filter.push(enc(chunk)));
  out += dec(filter.end());
  return { out, usage: filter.usage };
}

describe("UsageEventFilter", () => {
  it("passes whole events without usage through as the very same bytes", () => {
    const filter = new UsageEventFilter();
    const chunk = enc('data: {"choices":[{"delta":{"content":"hi"}}]}\n\n');
    expect(filter.push(chunk)).toBe(chunk);
  });

  it("drops the usage event and reports it, wherever the chunks split it", () => {
    const events = `data: {"choices":[{"delta":{"content":"a"}}]}\n\n${USAGE_EVENT}data: [DONE]\n\n`;
    for (let cut = 1; cut < events.length; cut += 7) {
      const { out, usage } = run([events.slice(0, cut), events.slice(cut)]);
      expect(out).toBe('data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: [DONE]\n\n');
      expect(usage).toEqual({ promptTokens: 7, completionTokens: 3 });
    }
  });

  it("keeps CRLF framing and events that mention usage but carry choices", () => {
    const withChoices = 'data: {"choices":[{"delta":{}}],"usage":{"prompt_tokens":1}}\r\n\r\n';
    const { out, usage } = run([withChoices, USAGE_EVENT.replaceAll("\n", "\r\n")]);
    expect(out).toBe(withChoices);
    expect(usage?.completionTokens).toBe(3);
  });
});
