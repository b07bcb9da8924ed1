import { describe, expect, it } from "vitest";
import { createOpenAI, OPENAI_KEY_PATTERN } from "./index.js";

describe("OpenAI key formats", () => {
  const provider = createOpenAI();

  it("accepts OpenAI keys and relay tokens made of ordinary key characters", () => {
    for (const key of [
      "sk-proj-Abc_123-xyz000000",
      "sk-abc123def456ghi789",
      "relay-token-123456",
      "fk1234.5678:abc=",
      `sk-${"a".repeat(253)}`,
    ]) {
      expect(provider.validateKeyFormat(key), key).toEqual({ ok: true });
    }
  });

  it("refuses markup, quotes, backslashes, spaces and control characters", () => {
    for (const key of [
      "<script>alert(1)</script>",
      "sk-abc<def>ghi123",
      'sk-abc"def123456',
      "sk-abc'def123456",
      "sk-abc`def123456",
      "sk-abc\\def123456",
      "sk-abc def123456",
      "sk-abc\tdef123456",
      "sk-abcdef123456\n",
      "sk-abc\u0000def123456",
      "sk-abc\u007fdef123456",
      "sk-abcdéf123456",
    ]) {
      expect(provider.validateKeyFormat(key).ok, JSON.stringify(key)).toBe(false);
    }
  });

  it("lets a relay configure its own pattern instead", () => {
    const relay = createOpenAI({ id: "relay", keyPattern: /^relay-[a-z0-9]{8}$/ });
    expect(relay.validateKeyFormat("relay-abcd1234").ok).toBe(true);
    expect(relay.validateKeyFormat("sk-abc123def456ghi789").ok).toBe(false);
    // A relay's own pattern is the whole rule, even for characters the default refuses.
    const either = new RegExp(`${OPENAI_KEY_PATTERN.source}|^relay-<[a-z]+>$`);
    expect(createOpenAI({ keyPattern: either }).validateKeyFormat("relay-<x>").ok).toBe(true);
  });
});
