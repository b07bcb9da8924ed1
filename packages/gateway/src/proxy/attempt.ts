/**
 * Steps 3 and 4 of a request: one attempt with one key, and the classification of what came
 * back. `attempt()` never decides what happens next; it reports (see attempt-result.ts), and the
 * attempt loop decides.
 */
import type { PoolKey, Provider, ProviderRequest } from "../spec/provider.js";
import { forwardableResponseHeaders } from "../util/headers.js";
import type { AttemptResult } from "./attempt-result.js";
import { AttemptSignal } from "./attempt-signal.js";
import { blameNoKeyForAPage } from "./html-page.js";
import { readAnswer } from "./read-answer.js";
import { upstreamError } from "./upstream-error.js";

export interface AttemptInput {
  provider: Provider;
  /** The provider-neutral request, the same for every attempt. */
  request: ProviderRequest;
  key: PoolKey;
  fetch: typeof fetch;
  /** The client's signal: its leaving aborts the attempt. */
  clientSignal: AbortSignal;
  /** Time left before the request's deadline (ms). */
  untilDeadlineMs: number;
  attemptTimeoutMs: number | undefined;
}

export async function attempt(input: AttemptInput): Promise<AttemptResult> {
  const { provider, request, key } = input;
  const upstream = provider.rewriteRequest(request, key);
  const signal = new AttemptSignal(input.clientSignal, input.untilDeadlineMs, input.attemptTimeoutMs);
  let response: Response;
  try {
    response = await input.fetch(upstream.url, {
      method: upstream.method,
      headers: upstream.headers,
      body: upstream.body,
      signal: signal.signal,
    });
  } catch (error) {
    const resendable = !signal.aborted;
    signal.settle();
    return { kind: "network", message: `Upstream request failed: ${messageOf(error)}`, resendable };
  }
  if (!response.ok) return classify(response, input, signal);
  const final = provider.transformResponse ? await provider.transformResponse(response, request) : response;
  return readAnswer(final, signal);
}

/**
 * What a failure status means, as the provider classifies it — corrected for HTML pages from a
 * CDN in front of the upstream, which say nothing about the key.
 */
async function classify(response: Response, input: AttemptInput, signal: AttemptSignal): Promise<AttemptResult> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    signal.settle();
    const message = `Upstream answered ${response.status}, then its body failed: ${messageOf(error)}`;
    return { kind: "network", message, resendable: false };
  }
  signal.settle();
  const { status, headers } = response;
  const model = input.request.model;
  const failure = blameNoKeyForAPage(
    input.provider.classifyFailure({ status, headers, body: text, model }),
    response,
    text,
  );
  if (failure.kind === "client_error") {
    return { kind: "refused", response: new Response(text, { status, headers: forwardableResponseHeaders(headers) }) };
  }
  return { kind: "failure", failure, error: upstreamError(failure, status, input.key.secret), status };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
