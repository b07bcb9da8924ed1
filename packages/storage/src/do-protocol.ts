/** The JSON the coordinator Durable Object and its client exchange (one POST per call). */
import type { KeyPatch, KeyRecord } from "@keyhive/gateway";

/** A recently changed key as the coordinator holds it; `record: null` is a deletion. */
export interface OverlayEntry {
  at: number;
  record: KeyRecord | null;
}

export type CoordinatorRequest =
  | { op: "increment"; name: string; amount: number; ttlMs: number; limit?: number }
  | { op: "get"; name: string }
  | { op: "write"; records?: KeyRecord[]; deleted?: string[]; touched?: string[] }
  | { op: "patch"; id: string; patch: KeyPatch; base: KeyRecord | null }
  | { op: "overlay"; ids: string[] }
  | { op: "changes"; cursor?: string }
  | { op: "revision" }
  | { op: "bump" };

/** The part of a `DurableObjectNamespace` binding the client uses. */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: unknown, options?: { locationHint?: string }): { fetch(url: string, init: RequestInit): Promise<Response> };
  jurisdiction?(jurisdiction: string): DurableObjectNamespaceLike;
}

export type CoordinatorCall = <T>(request: CoordinatorRequest) => Promise<T>;

/** One round trip to the named coordinator object. */
export function coordinatorClient(options: {
  namespace: DurableObjectNamespaceLike;
  name?: string;
  locationHint?: string;
  jurisdiction?: string;
}): CoordinatorCall {
  const open = () => {
    let ns = options.namespace;
    if (options.jurisdiction) {
      if (!ns.jurisdiction) throw new Error("This Durable Object namespace has no jurisdiction() support.");
      ns = ns.jurisdiction(options.jurisdiction);
    }
    const id = ns.idFromName(options.name ?? "keyhive");
    return ns.get(id, options.locationHint ? { locationHint: options.locationHint } : undefined);
  };
  return async <T>(request: CoordinatorRequest): Promise<T> => {
    // A stub per call: cheap, and never carries I/O across requests (workerd refuses that).
    const res = await open().fetch("https://coordinator/", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request),
    });
    const body = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(`Keyhive coordinator: ${body.error ?? res.status}`);
    return body;
  };
}
