import type { KeyFilter, KeyStatus } from "../../lib/types.js";

/** The statuses the filter bar offers, in the order admins triage them. */
export const KEY_STATUSES = ["active", "cooling", "exhausted", "invalid", "disabled"] as const;

/** The filter bar's fields as typed: strings, so a half-typed number stays on screen. */
export interface KeyFilterFields {
  provider: string;
  status: string;
  tag: string;
  minBalance: string;
  maxBalance: string;
  q: string;
}

export const NO_FILTERS: KeyFilterFields = { provider: "", status: "", tag: "", minBalance: "", maxBalance: "", q: "" };

/** The admin API's filter for the fields: empty fields and numbers that do not parse filter nothing. */
export function toKeyFilter(f: KeyFilterFields): KeyFilter {
  const filter: KeyFilter = {};
  if (f.provider) filter.provider = f.provider;
  if (f.status) filter.status = [f.status as KeyStatus];
  if (f.tag) filter.tag = f.tag;
  if (f.minBalance !== "" && Number.isFinite(Number(f.minBalance))) filter.minBalance = Number(f.minBalance);
  if (f.maxBalance !== "" && Number.isFinite(Number(f.maxBalance))) filter.maxBalance = Number(f.maxBalance);
  if (f.q.trim()) filter.q = f.q.trim();
  return filter;
}
