/**
 * The inputs of the provider conformance kit: the request the gateway would hand an adapter
 * (the client's own credential planted everywhere one could hide, then removed as the pipeline
 * removes it), and recorded failures.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { withoutClientCredentials } from "../proxy/client-credentials.js";
import type { ProviderRequest, UpstreamFailure } from "../spec/provider.js";
import type { ProviderCaseRequest, RecordedFailure } from "./provider-case-types.js";

/** The client's gateway credential; it must never reach an upstream. */
export const CLIENT_SECRET = "kh-client-secret-0123456789";

/** Reads `<dir>/<name>.json` recorded failures into classifier input. */
export function loadRecordedFailures(dir: URL | string): Map<string, UpstreamFailure> {
  const path = typeof dir === "string" ? dir : fileURLToPath(dir);
  const out = new Map<string, UpstreamFailure>();
  for (const file of readdirSync(path)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    const recorded = JSON.parse(readFileSync(join(path, file), "utf8")) as RecordedFailure;
    out.set(file.slice(0, -5), {
      status: recorded.status,
      headers: new Headers(recorded.headers ?? {}),
      body: typeof recorded.body === "string" ? recorded.body : JSON.stringify(recorded.body),
      model: recorded.model,
    });
  }
  return out;
}

/**
 * Builds the `ProviderRequest` the gateway would hand the adapter: the client's credential planted
 * everywhere a client may send one (`authorization`, `x-api-key`, `cookie`, `?key=` and each of
 * `keyHeaders`, e.g. the provider's `clientKeyHeaders`), then taken off by the gateway's own
 * `withoutClientCredentials`, exactly as the pipeline does before `rewriteRequest`.
 */
export function clientRequest(
  r: ProviderCaseRequest,
  credential = CLIENT_SECRET,
  keyHeaders: readonly string[] = [],
): ProviderRequest {
  const planted = new Headers(r.headers);
  for (const name of keyHeaders) planted.set(name, credential);
  planted.set("authorization", `Bearer ${credential}`);
  planted.set("x-api-key", credential);
  planted.set("cookie", `session=${credential}`);
  let body: ArrayBuffer | null = r.body ?? null;
  if (r.json !== undefined) {
    body = new TextEncoder().encode(JSON.stringify(r.json)).buffer as ArrayBuffer;
    planted.set("content-type", "application/json");
  }
  const { headers, search } = withoutClientCredentials(
    planted,
    r.search ? `${r.search}&key=${credential}` : `?key=${credential}`,
    ["x-api-key", ...keyHeaders],
  );
  return {
    api: r.api ?? "openai",
    method: r.method ?? (body ? "POST" : "GET"),
    path: r.path,
    search,
    headers,
    body,
    model: r.model ?? (r.json as { model?: string } | undefined)?.model,
    stream: r.stream ?? (r.json as { stream?: boolean } | undefined)?.stream === true,
  };
}

/** A URL nothing listens on, for "the upstream is unreachable" checks. */
export async function deadURL(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}
