/** The options and handle of `startMockGemini`, and Google's error shape. */
import type { MockServer, RecordedRequest } from "@keyhive/gateway/testing";

/** How the mock treats a key. */
export type GeminiKeyBehaviour =
  | "ok"
  /** 400 INVALID_ARGUMENT with reason `API_KEY_INVALID` (also what unknown keys get). */
  | "invalid"
  /** 403 PERMISSION_DENIED (suspended consumer). */
  | "permission-denied"
  /** 429 RESOURCE_EXHAUSTED on a per-minute quota, RetryInfo `retryDelay`. */
  | "minute-quota"
  /** 429 RESOURCE_EXHAUSTED on a per-day quota. */
  | "day-quota"
  /** 500 INTERNAL on model calls. */
  | "server-error"
  /** 503 UNAVAILABLE "The model is overloaded" on model calls. */
  | "overloaded";

export interface MockGeminiOptions {
  /** Behaviour per key; keys not listed get 400 API_KEY_INVALID. */
  keys?: Record<string, GeminiKeyBehaviour>;
  /** Model ids (without `models/`) the mock serves. */
  models?: string[];
  /** Page size of `GET /v1beta/models` when the client gives none (real: 50). @default 3 */
  pageSize?: number;
  /** Largest page served whatever the client asks (real: 1000); small so clients must page. @default 3 */
  maxPageSize?: number;
  /** Delay between stream chunks. @default 10 */
  chunkDelayMs?: number;
  /** Seconds in RetryInfo of quota errors. @default 37 */
  retryDelaySeconds?: number;
}

export interface GeminiRecordedRequest extends RecordedRequest {
  /** Where the key came from. */
  keySource?: "header" | "query" | "bearer";
}

export interface MockGemini extends MockServer {
  /** `http://127.0.0.1:<port>` (the API root has no version; paths carry `/v1beta`). */
  baseURL: string;
  requestsByKey: Map<string, number>;
  requests: GeminiRecordedRequest[];
  setBehaviour(key: string, behaviour: GeminiKeyBehaviour): void;
  reset(): void;
}

/** Google's error object: `{"error":{code,message,status,details}}` carries one. */
export type GoogleError = { code: number; message: string; status: string; details?: unknown[] };
