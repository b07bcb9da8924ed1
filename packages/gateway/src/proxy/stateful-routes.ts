/**
 * Routes of stateful APIs, whose resources live in the account of the key that created them
 * (the Responses API; files, batches, vector stores and uploads alike). A creating call goes to
 * any key and its answer's id is remembered with that key (affinity.ts); every follow-up by id
 * — and a create that names an earlier resource, such as `previous_response_id` — is pinned to
 * that key. An id the gateway did not see created is refused: a guessed key would only get the
 * upstream's 404, or worse, another account's resource of the same name.
 */
import type { Context, Hono } from "hono";
import { errors } from "../spec/errors.js";
import type { ApiKind, Provider, ProviderRequest } from "../spec/provider.js";
import type { AffinityRecord, AffinityStore } from "./affinity.js";
import { watchCreatedId } from "./created-ids.js";
import type { KeyPin, ProxyTarget } from "./proxy-types.js";

export interface StatefulOperation {
  method: "GET" | "POST" | "DELETE";
  /** Under `/v1`; `:id` names the resource of a follow-up, e.g. `/responses/:id/cancel`. */
  path: string;
  /**
   * The answer names resources of the serving key, remembered with it: `true` for its `id`, or
   * the JSON fields that hold ids (`"id"`, `"output_file_id"`, `"file.id"`, `"data[].id"`).
   */
  creates?: boolean | readonly string[];
  /**
   * A JSON body field naming an earlier resource the request must be pinned to (a string, or the
   * first of an array), and that resource in messages.
   */
  refersBy?: { field: string; noun: string };
  /** The resource `:id` names, in messages. @default the API's noun */
  noun?: string;
}

export interface StatefulApi {
  api: ApiKind;
  /** The resource in messages: `response`, `file`… */
  noun: string;
  /** Creating calls pick their provider by model (else: the first provider serving the API). */
  byModel: boolean;
  operations: readonly StatefulOperation[];
  /** The providers serving it; the bare `/v1` routes pick among them. */
  providers: readonly Provider[];
}

type Proxy = (c: Context, target: ProxyTarget) => Promise<Response>;

export function registerStatefulRoutes(app: Hono, api: StatefulApi, proxy: Proxy, affinity: AffinityStore): void {
  const first = api.providers[0];
  if (!first) return;
  for (const op of api.operations) {
    const handle = (mount: Provider | undefined) => async (c: Context) => {
      const id = op.path.includes(":id") ? c.req.param("id") : undefined;
      const record = id ? await affinity.lookup(id) : undefined;
      // Without a mount the record names the provider; an unknown id still authenticates first
      // (then is refused by `pin`), so the provider only has to be one that serves the API.
      const provider = mount ?? (record && api.providers.find((p) => p.id === record.provider)) ?? first;
      const prefix = mount ? `/${mount.id}/v1` : "/v1";
      const target: ProxyTarget = {
        provider: mount ?? (id || !api.byModel ? provider : undefined),
        api: api.api,
        path: c.req.path.slice(prefix.length),
        pin: async (request, resolved) => {
          if (!api.providers.includes(resolved)) {
            throw errors.notFound(
              `Provider '${resolved.id}' does not serve ${c.req.method} /v1${op.path}.`,
              "unknown_route",
            );
          }
          if (id) return pinTo(op.noun ?? api.noun, id, record, resolved, affinity);
          const refers = op.refersBy;
          const earlier = refers ? referredId(request, refers.field) : undefined;
          if (!refers || !earlier) return undefined;
          return pinTo(refers.noun, earlier, await affinity.lookup(earlier), resolved, affinity);
        },
        created: op.creates
          ? (answer, keyId, served) => {
              const fields = Array.isArray(op.creates) ? (op.creates as readonly string[]) : undefined;
              return watchCreatedId(answer, (created) => affinity.remember(created, served.id, keyId), fields);
            }
          : undefined,
      };
      return proxy(c, target);
    };
    app.on(op.method, `/v1${op.path}`, handle(undefined));
    for (const provider of api.providers) app.on(op.method, `/${provider.id}/v1${op.path}`, handle(provider));
  }
}

function pinTo(
  noun: string,
  id: string,
  record: AffinityRecord | undefined,
  provider: Provider,
  affinity: AffinityStore,
): KeyPin {
  if (!record) {
    const days = Math.round(affinity.ttlMs / 86_400_000);
    throw errors.notFound(
      `No ${noun} '${id}' was created through this gateway (or its record expired after ${days} days). Only the key ` +
        `that created a ${noun} can see it, so the gateway does not guess one.`,
      `${noun.replace(/ /g, "_")}_not_found`,
    );
  }
  if (record.provider !== provider.id) {
    throw errors.conflict(
      `The ${noun} '${id}' was created through provider '${record.provider}', not '${provider.id}': ` +
        `use /${record.provider}/v1/... or the bare /v1 route.`,
      "affinity_provider_mismatch",
    );
  }
  return { keyId: record.keyId, resource: id };
}

const decoder = new TextDecoder();

/** The string value of `field` in a JSON body, looked for only when its name occurs at all. */
function referredId(request: ProviderRequest, field: string): string | undefined {
  if (!request.body) return undefined;
  const text = decoder.decode(request.body);
  if (!text.includes(`"${field}"`)) return undefined;
  try {
    const named = (JSON.parse(text) as Record<string, unknown> | null)?.[field];
    const value = Array.isArray(named) ? named[0] : named;
    return typeof value === "string" && value.length > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}
