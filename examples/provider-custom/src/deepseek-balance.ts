import { joinURL, type KeyCheckResult } from "@keyhive/gateway";
import { classifyOpenAIFailure, type OpenAICompatibleCall, readOpenAIError } from "@keyhive/provider-openai";

/** `GET /user/balance`: amounts are numeric strings, one entry per currency. */
interface BalanceAnswer {
  is_available?: boolean;
  balance_infos?: { currency?: string; total_balance?: string; granted_balance?: string; topped_up_balance?: string }[];
}

const amount = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN);

/** Reads the balance; anything unreadable is a check error, never a zero balance. */
export async function checkDeepSeekBalance(o: OpenAICompatibleCall & { currency: string }): Promise<KeyCheckResult> {
  let response: Response;
  try {
    response = await o.fetch(joinURL(o.baseURL, "/user/balance"), { headers: o.headers, signal: o.signal });
  } catch (error) {
    return { status: "error", message: `network: ${error instanceof Error ? error.message : String(error)}` };
  }
  const text = await response.text().catch(() => "");
  if (!response.ok) {
    const cls = classifyOpenAIFailure({ status: response.status, headers: response.headers, body: text });
    const message = readOpenAIError(text).message ?? `HTTP ${response.status}`;
    if (cls.kind === "key_invalid") return { status: "invalid", message };
    if (cls.kind === "key_exhausted") return { status: "exhausted", message };
    return { status: "error", message: `HTTP ${response.status}: ${message}` };
  }
  let answer: BalanceAnswer;
  try {
    answer = JSON.parse(text) as BalanceAnswer;
  } catch {
    return { status: "error", message: "unparsable /user/balance answer" };
  }
  const infos = answer.balance_infos ?? [];
  // Accounts topped up in one currency report that one; prefer the configured currency.
  const info = infos.find((i) => i.currency === o.currency) ?? infos[0];
  const total = amount(info?.total_balance);
  if (!info || !Number.isFinite(total) || typeof answer.is_available !== "boolean") {
    return { status: "error", message: "no balance in /user/balance answer" };
  }
  const balanceDetail: Record<string, number> = { total_balance: total };
  for (const field of ["granted_balance", "topped_up_balance"] as const) {
    const value = amount(info[field]);
    if (Number.isFinite(value)) balanceDetail[field] = value;
  }
  if (!answer.is_available || total <= 0) {
    return {
      status: "exhausted",
      balance: total,
      balanceDetail,
      message: `DeepSeek balance ${[total, info.currency].filter(Boolean).join(" ")} is not available for API calls.`,
    };
  }
  return { status: "valid", balance: total, balanceDetail };
}
