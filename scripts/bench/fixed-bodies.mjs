// The fixed answers of the ceiling bench's upstream (`npm run bench:ceiling`): one OpenAI chat
// completion as JSON, and one chat completion as a 22-event SSE stream ending `data: [DONE]`
// (a role chunk, 18 content chunks, the finish chunk, the usage chunk, then [DONE]).
const created = 1_700_000_000;
const model = "gpt-4o-mini";
const words = "Hello from the fixed upstream of the Keyhive ceiling bench, answering the same bytes every time.".split(
  /(?<= )/,
);

export const JSON_BODY = JSON.stringify({
  id: "chatcmpl-fixed",
  object: "chat.completion",
  created,
  model,
  choices: [
    { index: 0, message: { role: "assistant", content: words.join("") }, logprobs: null, finish_reason: "stop" },
  ],
  usage: { prompt_tokens: 9, completion_tokens: words.length, total_tokens: 9 + words.length },
});

const chunk = (delta, finish = null, usage) =>
  JSON.stringify({
    id: "chatcmpl-fixed",
    object: "chat.completion.chunk",
    created,
    model,
    choices: usage ? [] : [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(usage ? { usage } : {}),
  });

const content = Array.from({ length: 18 }, (_, i) => words[i % words.length]);
export const SSE_EVENTS = [
  chunk({ role: "assistant", content: "" }),
  ...content.map((word) => chunk({ content: word })),
  chunk({}, "stop"),
  chunk(undefined, null, { prompt_tokens: 9, completion_tokens: content.length, total_tokens: 9 + content.length }),
  "[DONE]",
];
export const SSE_BODY = SSE_EVENTS.map((data) => `data: ${data}\n\n`).join("");
