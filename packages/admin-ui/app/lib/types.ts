/**
 * Shapes of the admin API, as the gateway defines them (its zod schemas, through the types-only
 * `@keyhive/gateway/admin-api` entry): the UI's names for them. Types only — nothing of the
 * gateway reaches the browser bundle.
 */
import type * as AdminApi from "@keyhive/gateway/admin-api";

export type KeyStatus = AdminApi.KeyStatus;
export type Key = AdminApi.Key;
export type KeyFilter = AdminApi.KeyFilter;
export type AddKeysResult = AdminApi.AddKeysResult;
export type Job = AdminApi.CheckJob;
export type CheckResult = AdminApi.CheckResult;
export type Stats = AdminApi.Stats;
export type TokenRecord = AdminApi.Token;
export type PublicInfo = AdminApi.PublicInfo;
export type RequestRecord = AdminApi.RequestRecord;
export type RequestLogPage = AdminApi.RequestLogPage;

/** A page of a list route (`GET /admin/api/keys`). */
export type Page<T> = Omit<AdminApi.KeyPage, "data"> & { data: T[] };

/** A provider's id as `/public/api/info` lists it (gateways before ids-only sent `{id, name}`). */
export const providerId = (p: string | { id: string; name?: string }) => (typeof p === "string" ? p : p.id);

/** `GET /admin/api/keys/{id}/timeline` (its schema is not in the types-only entry yet). */
export interface KeyTimeline {
  keyId: string;
  keyMasked: string;
  status: KeyStatus;
  since: number;
  until: number;
  bucketMs: number;
  /** Newest first. */
  transitions: { at: number; from: KeyStatus; to: KeyStatus; reason?: string }[];
  balances: { at: number; balance: number }[];
  /** Oldest first. */
  buckets: { at: number; requests: number; failures: number; p50Ms: number | null; p95Ms: number | null }[];
  source: "storage" | "ring" | "off";
  truncated: boolean;
}
