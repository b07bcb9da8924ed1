/**
 * A proxied request's record, built from its `ProxyOutcome` once the response ended. Built from
 * fields that hold no secret: the key is masked here, the client token named by id and name.
 */
import type * as z from "zod/mini";
import type { attemptView, requestRecord } from "../admin/schemas/logs.js";
import type { ProxyOutcome } from "../proxy/proxy-types.js";
import type { UnservedOutcome } from "../proxy/unserved.js";
import type { StoredRequest } from "../spec/request-log-store.js";
import { recordedSample } from "./body-sample.js";

export type RequestRecord = z.output<typeof requestRecord>;
export type RequestAttempt = z.output<typeof attemptView>;

// The API's schema and the storage contract describe one record: each must fit the other.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const recordShapesAgree: Same<RequestRecord, StoredRequest> = true;
void recordShapesAgree;

export interface RecordContext {
  /** This instance's id. */
  instance: string;
  /** A key's masked secret (`sk-abc…wxyz`), or null for a key the pool no longer has. */
  maskedKey(keyId: string): string | null;
  /** A key's secret, to mask it in body samples. */
  secretOf(keyId: string): string | undefined;
}

/**
 * Time-ordered ids unique across instances: 9 base-36 digits of ms, a per-process sequence of 5,
 * and a random tag of 4 for this process, so two instances finishing in the same millisecond
 * still write different ids into a shared log.
 */
export class RecordIds {
  private lastMs = 0;
  private sequence = 0;
  constructor(private readonly tag = randomTag()) {}
  next(now: number): string {
    // Never backwards, even if the clock is: ids of one instance keep their order.
    const ms = Math.max(now, this.lastMs);
    this.sequence = ms === this.lastMs ? this.sequence + 1 : 0;
    this.lastMs = ms;
    return `req-${ms.toString(36).padStart(9, "0")}${this.sequence.toString(36).padStart(5, "0")}${this.tag}`;
  }
}

function randomTag(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return Array.from(bytes, (b) => (b % 36).toString(36)).join("");
}

/** `/chat/completions` → `chat`; other APIs are their own surface (`responses`, `native`, …). */
function surfaceOf(api: string, path: string): string {
  if (api !== "openai") return api;
  return path.split("/")[1] || "openai";
}

/** A proxied request's outcome, or one that ended before or outside the pool (`unserved.ts`). */
export type RecordInput = ProxyOutcome | UnservedOutcome;

export function recordOf(outcome: RecordInput, id: string, context: RecordContext, now: number): RequestRecord {
  const detail = outcome.detail;
  const attempts: RequestAttempt[] = (detail?.attempts ?? []).map((entry) => ({
    ...entry,
    keyMasked: context.maskedKey(entry.keyId) ?? "…",
  }));
  const keyId = ("keyId" in outcome ? outcome.keyId : undefined) ?? detail?.attempts.at(-1)?.keyId ?? null;
  const counted = "counted" in outcome ? outcome.counted : undefined;
  const client = outcome.client;
  return {
    id,
    at: detail?.startedAt ?? now - outcome.durationMs,
    instance: context.instance,
    token: client ? { id: client.tokenId, name: client.record?.name ?? client.tokenId } : null,
    provider: outcome.provider ?? "",
    surface: detail ? surfaceOf(detail.api, detail.path) : "unknown",
    model: outcome.model ?? null,
    keyId,
    keyMasked: keyId ? context.maskedKey(keyId) : "ownKeyMasked" in outcome ? (outcome.ownKeyMasked ?? null) : null,
    attempts,
    status: outcome.status,
    ttfbMs: detail?.ttfbMs ?? null,
    durationMs: outcome.durationMs,
    streamed: detail?.streamed ?? false,
    tokensIn: counted?.promptTokens ?? null,
    tokensOut: counted?.completionTokens ?? null,
    bytes: detail?.bytes ?? null,
    error: detail?.error ?? null,
    ...(detail?.sample ? { sample: recordedSample(detail.sample, secretsOf(attempts, context)) } : {}),
  };
}

function secretsOf(attempts: readonly RequestAttempt[], context: RecordContext): string[] {
  return attempts.map((a) => context.secretOf(a.keyId)).filter((s): s is string => s !== undefined);
}
