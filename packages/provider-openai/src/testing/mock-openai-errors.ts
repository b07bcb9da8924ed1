/** OpenAI's error answers as the mock sends them: `{"error":{message,type,param,code}}`. */
import type { ServerResponse } from "node:http";
import { sendJson } from "@keyhive/gateway/testing";
import type { MockKeyBehaviour } from "./mock-openai-types.js";

/** Sends OpenAI's error shape. */
export function openAIError(
  res: ServerResponse,
  status: number,
  message: string,
  type: string,
  code: string | null,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { message, type, param: null, code } }, headers);
}

/** OpenAI's 404 for a path it does not serve. */
export function openAINotFound(res: ServerResponse, path: string): void {
  openAIError(res, 404, `Invalid URL (${path})`, "invalid_request_error", null);
}

/** OpenAI's 401 message, which shows the key's first 3 and last 4 characters. */
export function invalidKeyMessage(key: string | undefined): string {
  const shown = key ? `${key.slice(0, 3)}***${key.slice(-4)}` : "none";
  return `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.`;
}

/**
 * Answers a request whose key fails before any route runs (missing, unknown, invalid, limited,
 * out of quota, or a server error). Returns false when the key may go on to the route.
 */
export function answerKeyFailure(
  res: ServerResponse,
  key: string | undefined,
  behaviour: MockKeyBehaviour | undefined,
  retryAfterSeconds: number,
): boolean {
  if (!key || !behaviour || behaviour === "invalid") {
    openAIError(res, 401, invalidKeyMessage(key), "invalid_request_error", "invalid_api_key");
  } else if (behaviour === "rate-limited") {
    openAIError(res, 429, "Rate limit reached for requests", "requests", "rate_limit_exceeded", {
      "retry-after": String(retryAfterSeconds),
      "x-ratelimit-reset-requests": `${retryAfterSeconds}s`,
    });
  } else if (behaviour === "no-quota") {
    const message = "You exceeded your current quota, please check your plan and billing details.";
    openAIError(res, 429, message, "insufficient_quota", "insufficient_quota");
  } else if (behaviour === "server-error") {
    openAIError(res, 500, "The server had an error while processing your request.", "server_error", null);
  } else {
    return false;
  }
  return true;
}
