/**
 * The mock's Responses API: `POST /responses` (JSON, or typed SSE with `stream: true`),
 * `GET`/`DELETE /responses/{id}`, `POST /responses/{id}/cancel`, `GET /responses/{id}/input_items`.
 * Stored responses belong to the key that created them, as they belong to a project upstream:
 * under any other key an id — also as `previous_response_id` — is a 404.
 */
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { sendJson, sleep } from "@keyhive/gateway/testing";
import { openAIError } from "./mock-openai-errors.js";
import { streamResponse } from "./mock-openai-responses-stream.js";
import type { OpenAIRouteContext } from "./mock-openai-routes.js";
import { MOCK_WORDS } from "./mock-openai-stream.js";
import type { StoredResponse } from "./mock-openai-types.js";

type Route = (res: ServerResponse, context: OpenAIRouteContext, id: string | undefined) => void | Promise<void>;

/** The handler of a Responses path (under the prefix), or undefined when it is not one. */
export function responsesRoute(
  method: string,
  path: string,
): ((res: ServerResponse, c: OpenAIRouteContext) => void | Promise<void>) | undefined {
  const match = /^\/responses(?:\/([^/]+)(\/cancel|\/input_items)?)?$/.exec(path);
  if (!match) return undefined;
  const [, rawId, action = ""] = match;
  const id = rawId === undefined ? undefined : decodeURIComponent(rawId);
  const route = ROUTES[`${method} ${id === undefined ? "" : ":id"}${action}`];
  return route ? (res, context) => route(res, context, id) : undefined;
}

const notFound = (res: ServerResponse, id: string) =>
  openAIError(res, 404, `Response with id '${id}' not found.`, "invalid_request_error", null);

function storeOf(context: OpenAIRouteContext): Map<string, StoredResponse> {
  let store = context.responses.get(context.key);
  if (!store) {
    store = new Map();
    context.responses.set(context.key, store);
  }
  return store;
}

function inputItems(input: unknown): Record<string, unknown>[] {
  const items = typeof input === "string" ? [{ role: "user", content: input }] : Array.isArray(input) ? input : [];
  return items.map((item: Record<string, unknown>) => ({
    id: `msg_${randomBytes(12).toString("hex")}`,
    type: "message",
    role: item.role ?? "user",
    content: typeof item.content === "string" ? [{ type: "input_text", text: item.content }] : item.content,
  }));
}

/** The response object as OpenAI returns it. */
function responseObject(context: OpenAIRouteContext, status: string, words: number): Record<string, unknown> {
  const { json, model } = context;
  const text = Array.from({ length: words }, (_, i) => MOCK_WORDS[i % MOCK_WORDS.length]).join("");
  const done = status === "completed";
  return {
    id: `resp_${randomBytes(24).toString("hex")}`,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status,
    background: json.background === true,
    error: null,
    incomplete_details: null,
    instructions: json.instructions ?? null,
    model,
    output: done
      ? [
          {
            id: `msg_${randomBytes(24).toString("hex")}`,
            type: "message",
            status: "completed",
            role: "assistant",
            content: [{ type: "output_text", text, annotations: [], logprobs: [] }],
          },
        ]
      : [],
    parallel_tool_calls: true,
    previous_response_id: json.previous_response_id ?? null,
    store: json.store !== false,
    temperature: 1,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: 1,
    truncation: "disabled",
    usage: done
      ? {
          input_tokens: 9,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: words,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: 9 + words,
        }
      : null,
    metadata: {},
  };
}

const create: Route = async (res, context) => {
  const { json, behaviour, options } = context;
  const store = storeOf(context);
  const previous = json.previous_response_id;
  if (typeof previous === "string" && !store.has(previous)) {
    return openAIError(
      res,
      404,
      `Previous response with id '${previous}' not found.`,
      "invalid_request_error",
      "previous_response_not_found",
    );
  }
  const words = options.streamWords ?? 5;
  const response = responseObject(context, json.background === true ? "in_progress" : "completed", words);
  if (json.store !== false) store.set(response.id as string, { response, input: inputItems(json.input) });
  if (json.stream === true) {
    context.streams.openStreams++;
    res.on("close", () => context.streams.openStreams--);
    return streamResponse(res, response, {
      slow: behaviour === "slow" ? (options.slowMs ?? 200) : 0,
      cut: behaviour === "cut-mid-stream",
      split: options.splitEvents === true,
    });
  }
  if (behaviour === "slow") await sleep(options.slowMs ?? 200);
  sendJson(res, 200, response);
};

const retrieve: Route = (res, context, id) => {
  const stored = storeOf(context).get(id as string);
  if (!stored) return notFound(res, id as string);
  sendJson(res, 200, stored.response);
};

const remove: Route = (res, context, id) => {
  if (!storeOf(context).delete(id as string)) return notFound(res, id as string);
  sendJson(res, 200, { id, object: "response", deleted: true });
};

const cancel: Route = (res, context, id) => {
  const stored = storeOf(context).get(id as string);
  if (!stored) return notFound(res, id as string);
  if (stored.response.background !== true) {
    const message = "Only responses created with background=true can be cancelled.";
    return openAIError(res, 400, message, "invalid_request_error", null);
  }
  stored.response.status = "cancelled";
  sendJson(res, 200, stored.response);
};

const listInputItems: Route = (res, context, id) => {
  const stored = storeOf(context).get(id as string);
  if (!stored) return notFound(res, id as string);
  const data = stored.input;
  sendJson(res, 200, {
    object: "list",
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: false,
  });
};

const ROUTES: Record<string, Route> = {
  "POST ": create,
  "GET :id": retrieve,
  "DELETE :id": remove,
  "POST :id/cancel": cancel,
  "GET :id/input_items": listInputItems,
};
