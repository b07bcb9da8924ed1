// The soak's clients: each loops over chat completions (half streamed), sometimes aborting at a
// random point, and sorts every answer into what a client can tell apart: a complete answer, a
// clear JSON error, a stream that ended with an explicit error event — or a violation (anything
// a client could not make sense of).
import { request } from "undici";

const VIOLATIONS = ["unclear_error", "connection_error", "stream_truncated", "stream_corrupt", "wrong_content"];

export function newTally() {
  const tally = {
    requests: 0,
    ok: 0,
    okStream: 0,
    aborted: 0,
    failedClear: 0,
    streamErrorEvents: 0,
    statuses: {},
    errorSamples: {},
  };
  for (const v of VIOLATIONS) tally[v] = 0;
  return tally;
}

export function violationsOf(tally) {
  return VIOLATIONS.reduce((sum, v) => sum + tally[v], 0);
}

/** SSE events of a body: data lines joined, comments dropped, LF or CRLF framing. */
export function parseEvents(text) {
  return text
    .split(/\r?\n\r?\n/)
    .map((block) =>
      block
        .split(/\r?\n/)
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).replace(/^ /, ""))
        .join("\n"),
    )
    .filter((data) => data !== "");
}

/** The text a stream's content deltas spell, or an error describing what is wrong with it. */
export function readStream(text) {
  const events = parseEvents(text);
  let content = "";
  for (const [i, data] of events.entries()) {
    if (data === "[DONE]")
      return i === events.length - 1 ? { done: true, content } : { corrupt: "events after [DONE]" };
    let event;
    try {
      event = JSON.parse(data);
    } catch {
      return { corrupt: `unparsable event: ${data.slice(0, 80)}` };
    }
    if (event.error) {
      if (i !== events.length - 1) return { corrupt: "events after an error event" };
      return typeof event.error.message === "string"
        ? { errorEvent: event.error.message }
        : { corrupt: "error event without message" };
    }
    content += event.choices?.[0]?.delta?.content ?? "";
  }
  return { truncated: true, content };
}

const sample = (tally, message) => {
  const key = message
    .replace(/sk-[\w-]+/g, "sk-…")
    .replace(/\d+/g, "N")
    .slice(0, 160);
  tally.errorSamples[key] = (tally.errorSamples[key] ?? 0) + 1;
};

export async function runClient({ url, token, dispatcher, expected, abortRate, until, tally }) {
  while (Date.now() < until()) {
    const stream = Math.random() < 0.5;
    const includeUsage = stream && Math.random() < 0.5;
    const controller = new AbortController();
    const abortAfter = Math.random() < abortRate ? Math.random() * 400 : undefined;
    const timer = abortAfter === undefined ? undefined : setTimeout(() => controller.abort(), abortAfter);
    tally.requests++;
    try {
      const res = await request(`${url}/v1/chat/completions`, {
        method: "POST",
        dispatcher,
        signal: controller.signal,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({
          model: "gpt-4o-mini",
          stream,
          ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
          messages: [{ role: "user", content: "soak" }],
        }),
      });
      tally.statuses[res.statusCode] = (tally.statuses[res.statusCode] ?? 0) + 1;
      const text = await res.body.text();
      if (res.statusCode !== 200) {
        let message;
        try {
          message = JSON.parse(text).error?.message;
        } catch {}
        if (typeof message === "string") {
          tally.failedClear++;
          sample(tally, `${res.statusCode} ${message}`);
        } else {
          tally.unclear_error++;
          sample(tally, `${res.statusCode} unclear: ${text.slice(0, 80)}`);
        }
      } else if (stream) {
        const read = readStream(text);
        if (read.done && read.content === expected.stream) tally.okStream++;
        else if (read.done) {
          tally.wrong_content++;
          sample(tally, `stream content '${read.content.slice(0, 60)}'`);
        } else if (read.errorEvent) {
          tally.streamErrorEvents++;
          sample(tally, `stream error event: ${read.errorEvent}`);
        } else if (read.corrupt) {
          tally.stream_corrupt++;
          sample(tally, `corrupt stream: ${read.corrupt}`);
        } else {
          tally.stream_truncated++;
          sample(tally, "stream ended without [DONE] or an error event");
        }
      } else {
        let content;
        try {
          content = JSON.parse(text).choices?.[0]?.message?.content;
        } catch {}
        if (content === expected.json) tally.ok++;
        else {
          tally.wrong_content++;
          sample(tally, `json content '${String(content ?? text).slice(0, 60)}'`);
        }
      }
    } catch (error) {
      if (controller.signal.aborted) tally.aborted++;
      else {
        tally.connection_error++;
        sample(tally, `client error: ${error?.code ?? ""} ${error?.message ?? error}`);
      }
    } finally {
      clearTimeout(timer);
    }
  }
}
