/** The options and handle of `startMockSiliconFlow`. */
import type { MockServer, RecordedRequest } from "@keyhive/gateway/testing";

/** How the mock treats a key. */
export type SiliconFlowKeyBehaviour =
  /** Has credit (`balance` "10.00" + `chargeBalance` "4.00" unless `balances` says otherwise). */
  | "ok"
  /** Authenticates with `totalBalance` "0.00": free models work, paid models answer 403 code 30001. */
  | "zero-balance"
  /** 401 `Invalid token` (plain text, as SiliconFlow answers). */
  | "invalid"
  /** 429 TPM limit with `retry-after`. */
  | "rate-limited"
  /** 503 code 50505 "Model service overloaded". */
  | "overloaded"
  /** `/user/info` answers 500; the other routes work. */
  | "info-broken"
  /** Like `ok`, but a streamed Messages answer drops its connection after two deltas. */
  | "stream-breaks";

export interface MockSiliconFlowOptions {
  /** Behaviour per key; keys not listed get 401. */
  keys?: Record<string, SiliconFlowKeyBehaviour>;
  /** Balances per key as SiliconFlow spells them (numeric strings). */
  balances?: Record<string, { balance: string; chargeBalance: string }>;
  /** Models zero-balance keys may call. */
  freeModels?: string[];
  /** Paid models listed besides the free ones. */
  paidModels?: string[];
  /** Delay between SSE chunks, so streams arrive in several reads. @default 10 */
  chunkDelayMs?: number;
  /** `retry-after` seconds of rate-limited keys. @default 2 */
  retryAfterSeconds?: number;
}

export interface MockSiliconFlow extends MockServer {
  /** `http://127.0.0.1:<port>/v1` */
  baseURL: string;
  requestsByKey: Map<string, number>;
  requests: RecordedRequest[];
  setBehaviour(key: string, behaviour: SiliconFlowKeyBehaviour): void;
  reset(): void;
}
