/**
 * The official clients people use, unchanged, against the gateway on Node and inside workerd:
 * the `openai` SDK (chat, Responses API plain and streamed, embeddings, files), the Anthropic SDK
 * (Messages plain and streamed), `@google/genai` and the Vercel AI SDK. The pool holds 20 OpenAI
 * keys, so a `previous_response_id` follow-up landing on the creating key is affinity, not luck.
 */

import { createOpenAI as createAISDKOpenAI } from "@ai-sdk/openai";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import { embed, generateText, streamText } from "ai";
import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSdkKeys, lastOpenAIKey, SDK_TOKEN, type SdkMocks, startSdkMocks } from "./sdk-rig.js";
import { type SdkTarget, startSdkNodeTarget, startSdkWorkerdTarget } from "./sdk-targets.js";

// The OpenAI mock answers its first five words by default.
const MOCK_TEXT = "Hello from the mock upstream";
const GEMINI_TEXT = "Hello from the Gemini mock.";

let mocks: SdkMocks;
beforeAll(async () => {
  mocks = await startSdkMocks();
});
afterAll(() => mocks?.close());

/** A gateway on the runtime for the enclosing describe, keys added through its admin API. */
function useTarget(start: (env: SdkMocks["env"]) => Promise<SdkTarget>) {
  const ref: { target?: SdkTarget } = {};
  beforeAll(async () => {
    ref.target = await start(mocks.env);
    await addSdkKeys(ref.target.origin);
  });
  afterAll(() => ref.target?.close());
  return () => ref.target as SdkTarget;
}

for (const [runtime, start] of [
  ["Node", startSdkNodeTarget],
  ["workerd", startSdkWorkerdTarget],
] as const) {
  describe(`the openai SDK against the gateway on ${runtime}`, () => {
    const current = useTarget(start);
    const openai = () => new OpenAI({ apiKey: SDK_TOKEN, baseURL: `${current().origin}/v1`, maxRetries: 0 });

    it("openai: chat plain and streamed, embeddings", async () => {
      const chat = await openai().chat.completions.create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "Hi" }],
      });
      expect(chat.choices[0]?.message.content).toBe(MOCK_TEXT);
      const stream = await openai().chat.completions.create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "Hi" }],
        stream: true,
      });
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
      expect(text).toBe(MOCK_TEXT);
      const embedded = await openai().embeddings.create({ model: "text-embedding-3-small", input: ["a", "b"] });
      expect(embedded.data).toHaveLength(2);
    });

    it("openai: Responses API plain and streamed; previous_response_id lands on the creating key of 20", async () => {
      const creators = new Set<string | undefined>();
      for (let i = 0; i < 6; i++) {
        const first = await openai().responses.create({ model: "gpt-4o-mini", input: "Say hello" });
        expect(first.output_text).toContain("Hello");
        const creator = lastOpenAIKey(mocks);
        creators.add(creator);
        const next = await openai().responses.create({
          model: "gpt-4o-mini",
          input: "More",
          previous_response_id: first.id,
        });
        expect(next.previous_response_id).toBe(first.id);
        expect(lastOpenAIKey(mocks)).toBe(creator);
        expect((await openai().responses.retrieve(first.id)).id).toBe(first.id);
        expect(lastOpenAIKey(mocks)).toBe(creator);
      }
      // The pool really spreads new work, so the follow-ups above were routed, not lucky.
      expect(creators.size).toBeGreaterThan(1);
      const stream = await openai().responses.create({ model: "gpt-4o-mini", input: "Hi", stream: true });
      let text = "";
      let completed = false;
      for await (const event of stream) {
        if (event.type === "response.output_text.delta") text += event.delta;
        if (event.type === "response.completed") completed = true;
      }
      expect(text).toContain("Hello");
      expect(completed).toBe(true);
    });

    it("openai: a file uploaded (multipart) is read back from the key that holds it", async () => {
      const file = await openai().files.create({
        file: await toFile(Buffer.from('{"custom_id":"1"}\n'), "batch.jsonl"),
        purpose: "batch",
      });
      const holder = lastOpenAIKey(mocks);
      expect((await openai().files.retrieve(file.id)).filename).toBe("batch.jsonl");
      expect(lastOpenAIKey(mocks)).toBe(holder);
      expect(await (await openai().files.content(file.id)).text()).toBe('{"custom_id":"1"}\n');
      await openai().files.delete(file.id);
      expect(lastOpenAIKey(mocks)).toBe(holder);
    });
  });

  describe(`the Anthropic SDK, @google/genai and the Vercel AI SDK against the gateway on ${runtime}`, () => {
    const current = useTarget(start);
    const target = {
      get origin() {
        return current().origin;
      },
    };

    it("Anthropic SDK: messages plain and streamed (bare /v1 and the provider mount)", async () => {
      const request = {
        model: "deepseek-ai/DeepSeek-V3",
        max_tokens: 64,
        messages: [{ role: "user" as const, content: "Hi" }],
      };
      const bare = new Anthropic({ apiKey: SDK_TOKEN, baseURL: target.origin, maxRetries: 0 });
      const message = await bare.messages.create(request);
      expect(message.content[0]?.type).toBe("text");
      const mounted = new Anthropic({ apiKey: SDK_TOKEN, baseURL: `${target.origin}/siliconflow`, maxRetries: 0 });
      const final = await mounted.messages.stream(request).finalMessage();
      expect(final.content[0]).toEqual(message.content[0]);
      expect(final.usage.output_tokens).toBeGreaterThan(0);
    });

    it("@google/genai: generateContent plain and streamed", async () => {
      const genai = new GoogleGenAI({ apiKey: SDK_TOKEN, httpOptions: { baseUrl: target.origin } });
      const answer = await genai.models.generateContent({ model: "gemini-2.5-flash", contents: "Hi" });
      expect(answer.text).toBe(GEMINI_TEXT);
      let text = "";
      for await (const chunk of await genai.models.generateContentStream({ model: "gemini-2.5-flash", contents: "Hi" }))
        text += chunk.text ?? "";
      expect(text).toBe(GEMINI_TEXT);
    });

    it("Vercel AI SDK: generateText (Responses API), streamText (chat), embed", async () => {
      const provider = createAISDKOpenAI({ apiKey: SDK_TOKEN, baseURL: `${target.origin}/v1` });
      const generated = await generateText({ model: provider("gpt-4o-mini"), prompt: "Say hello", maxRetries: 0 });
      expect(generated.text).toContain("Hello");
      expect(mocks.openai.requests.at(-1)?.path).toContain("/responses");
      const streamed = streamText({ model: provider.chat("gpt-4o-mini"), prompt: "Hi", maxRetries: 0 });
      expect(await streamed.text).toBe(MOCK_TEXT);
      const { embedding } = await embed({
        model: provider.embedding("text-embedding-3-small"),
        value: "a",
        maxRetries: 0,
      });
      expect(embedding).toEqual([0.1, 0.2, 0.3, 0.4]);
    });
  });
}
