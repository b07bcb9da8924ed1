import { joinURL, type KeyCheckResult } from "@keyhive/gateway";
import { classifySiliconFlowFailure, readSiliconFlowError } from "./siliconflow-errors.js";

/** `GET /user/info`'s answer; amounts are numeric strings in CNY. */
interface UserInfo {
  code?: number;
  status?: boolean;
  message?: string;
  data?: { balance?: unknown; chargeBalance?: unknown; totalBalance?: unknown } | null;
}

export interface SiliconFlowBalanceOptions {
  baseURL: string;
  headers: Headers;
  fetch: typeof fetch;
  threshold: number;
  signal?: AbortSignal;
}

const amount = (value: unknown): number | undefined => {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
};

/**
 * Checks a key and reads its balance. Anything short of a parsed `totalBalance` is reported as
 * `error`, never as a zero balance: a failed check must not retire a key that has credit.
 */
export async function checkSiliconFlowBalance(o: SiliconFlowBalanceOptions): Promise<KeyCheckResult> {
  let response: Response;
  try {
    response = await o.fetch(joinURL(o.baseURL, "/user/info"), { headers: o.headers, signal: o.signal });
  } catch (error) {
    return { status: "error", message: `network: ${error instanceof Error ? error.message : String(error)}` };
  }
  const text = await response.text().catch(() => "");
  if (!response.ok) {
    const cls = classifySiliconFlowFailure({ status: response.status, headers: response.headers, body: text });
    const message = readSiliconFlowError(text).message ?? `HTTP ${response.status}`;
    if (cls.kind === "key_invalid") return { status: "invalid", message };
    if (cls.kind === "key_exhausted") return { status: "exhausted", message };
    if (response.status === 404 || response.status === 410) {
      return { status: "error", message: `balance endpoint unavailable (HTTP ${response.status}): ${message}` };
    }
    return { status: "error", message: `HTTP ${response.status}: ${message}` };
  }
  let info: UserInfo;
  try {
    info = JSON.parse(text) as UserInfo;
  } catch {
    return { status: "error", message: "unparsable /user/info answer" };
  }
  const total = amount(info.data?.totalBalance);
  if (info.status === false || total === undefined) {
    return {
      status: "error",
      message: `no totalBalance in /user/info answer${info.message ? `: ${info.message}` : ""}`,
    };
  }
  const balanceDetail: Record<string, number> = { totalBalance: total };
  const gift = amount(info.data?.balance);
  const charged = amount(info.data?.chargeBalance);
  if (gift !== undefined) balanceDetail.balance = gift;
  if (charged !== undefined) balanceDetail.chargeBalance = charged;
  if (total <= o.threshold) {
    return {
      status: "exhausted",
      balance: total,
      balanceDetail,
      message: `Balance ${total} CNY is at or below ${o.threshold}; the key still works for free models.`,
    };
  }
  return { status: "valid", balance: total, balanceDetail };
}
