/** Shapes of the admin API (packages/gateway/ADMIN-API.md). */
export type KeyStatus = "active" | "cooling" | "invalid" | "exhausted" | "disabled";

export interface Key {
  id: string;
  provider: string;
  key: string;
  baseURL?: string;
  tags: string[];
  weight: number;
  status: KeyStatus;
  statusReason?: string;
  balance?: number;
  addedAt: number;
  lastCheckedAt?: number;
  lastUsedAt?: number;
  lastError?: string;
}

export interface Page<T> {
  data: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface KeyFilter {
  provider?: string;
  status?: string[];
  tag?: string;
  minBalance?: number;
  maxBalance?: number;
  q?: string;
}

export interface AddKeysResult {
  added: { id: string; key: string }[];
  duplicates: { id: string; key: string }[];
  rejected: { key: string; reason: string }[];
  check?: { jobId: string };
}

export interface Job {
  id: string;
  status: "running" | "stopped" | "done";
  total: number;
  done: number;
  ok: number;
  failed: number;
  ratePerSec?: number;
  etaSec?: number | null;
  startedAt: number;
  finishedAt?: number;
  /** True where no background work exists (Workers): the client drives the job with `step`. */
  needsSteps?: boolean;
}

export interface CheckResult {
  id: string;
  /** A key status, or "error" when the check itself failed (network, timeout). */
  status: KeyStatus | "error";
  balance?: number;
  message?: string;
}

export interface Stats {
  total: number;
  byStatus: Record<string, number>;
  /** Keys whose last check could not complete. */
  checkErrors?: number;
  byProvider: Record<string, number>;
  balance: { sum: number; avg: number; median: number; minValid: number; max: number };
  buckets: { label: string; min: number; max: number | null; count: number }[];
  recent: Key[];
  requests: { today: number; errorRate: number };
}

export interface TokenRecord {
  id: string;
  name: string;
  hint: string;
  createdAt: number;
  expiresAt?: number;
  revokedAt?: number;
  state?: "active" | "expired" | "revoked";
  models?: string[];
  providers?: string[];
  rpm?: number;
  dailyRequests?: number;
  dailyTokens?: number;
  usage?: { requests?: number; promptTokens?: number; completionTokens?: number; totalTokens?: number };
}

export interface PublicInfo {
  accessMode: "open" | "restricted" | "private";
  authenticated: boolean;
  baseURL?: string;
  providers: (string | { id: string; name?: string })[];
}

export const providerId = (p: PublicInfo["providers"][number]) => (typeof p === "string" ? p : p.id);
