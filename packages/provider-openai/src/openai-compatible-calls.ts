/**
 * The two calls an OpenAI-compatible adapter makes itself (the gateway makes all the others):
 * `GET /models` to list models, and the same request as the default key check.
 */
import {
  discardBody,
  type FailureClass,
  joinURL,
  type KeyCheckResult,
  type ModelInfo,
  type UpstreamFailure,
} from "@keyhive/gateway";
import { readOpenAIError } from "./openai-errors.js";

/** Everything a call to the upstream needs, already resolved for one key. */
export interface OpenAICompatibleCall {
  /** The key's own base URL when it has one (relays), else the provider's. */
  baseURL: string;
  /** The provider's extra headers plus `authorization: Bearer <key>` (none without a key). */
  headers: Headers;
  fetch: typeof fetch;
  signal?: AbortSignal;
}

/** `GET /models` → `{ data: [{ id, owned_by }] }`. `name` labels the error (`Listing DeepSeek models failed`). */
export async function listOpenAIModels(call: OpenAICompatibleCall, name?: string): Promise<ModelInfo[]> {
  const response = await call.fetch(joinURL(call.baseURL, "/models"), { headers: call.headers, signal: call.signal });
  if (!response.ok) {
    throw new Error(`Listing ${name ? `${name} ` : ""}models failed: HTTP ${response.status}`);
  }
  const json = (await response.json()) as { data?: { id: string; owned_by?: string }[] };
  return (json.data ?? []).map((m) => ({ id: m.id, ownedBy: m.owned_by }));
}

/**
 * The default key check: `GET /models` with the key. 200 → valid; otherwise the adapter's own
 * classification decides invalid or exhausted, and anything else is a check error (the key keeps
 * its state: a flaky upstream must not retire it).
 */
export async function checkKeyByListingModels(
  call: OpenAICompatibleCall,
  classify: (failure: UpstreamFailure) => FailureClass,
): Promise<KeyCheckResult> {
  let response: Response;
  try {
    response = await call.fetch(joinURL(call.baseURL, "/models"), { headers: call.headers, signal: call.signal });
  } catch (error) {
    return { status: "error", message: `network: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (response.ok) {
    await discardBody(response);
    return { status: "valid" };
  }
  const body = await response.text().catch(() => "");
  const cls = classify({ status: response.status, headers: response.headers, body });
  const message = readOpenAIError(body).message ?? `HTTP ${response.status}`;
  if (cls.kind === "key_invalid") return { status: "invalid", message };
  if (cls.kind === "key_exhausted") return { status: "exhausted", message };
  return { status: "error", message: `HTTP ${response.status}: ${message}` };
}
