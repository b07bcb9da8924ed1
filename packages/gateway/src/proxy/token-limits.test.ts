import { describe, expect, it } from "vitest";
import { adminCall, chatBody, createMemoryStorage, startRig } from "../../test/support/index.js";
import { UsageMeter } from "../pool/usage-meter.js";
import type { TokenRecord } from "../spec/storage.js";
import { TokenLimits } from "./token-limits.js";

type ErrorBody = { error: { code: string } };

const token = (extra: Partial<TokenRecord>): TokenRecord => ({
  id: "tok-1",
  name: "t",
  hash: "h",
  hint: "kh-…",
  createdAt: 0,
  ...extra,
});

const rigLimits = () => {
  const meter = new UsageMeter(createMemoryStorage(), "i-test", () => 1_000_000);
  return { meter, limits: new TokenLimits(meter, () => 1_000_000) };
};
const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return "admitted";
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe("TokenLimits", () => {
  it("reserves daily requests at admission, before any is recorded", () => {
    const { limits } = rigLimits();
    const daily = token({ dailyRequests: 2 });
    limits.admit(daily);
    limits.admit(daily);
    expect(codeOf(() => limits.admit(daily))).toBe("token_daily_quota_exceeded");
  });

  it("hands a reservation over to the recorded usage without counting it twice", () => {
    const { meter, limits } = rigLimits();
    const daily = token({ dailyRequests: 2 });
    const release = limits.admit(daily);
    // The pipeline releases and records in one synchronous step when the outcome is known.
    release();
    meter.record({ tokenId: daily.id, ok: true, failures: [] });
    release(); // releasing twice changes nothing
    limits.admit(daily);
    expect(codeOf(() => limits.admit(daily))).toBe("token_daily_quota_exceeded");
  });

  it("frees a released reservation that never became usage (the client left first)", () => {
    const { limits } = rigLimits();
    const daily = token({ dailyRequests: 1 });
    limits.admit(daily)();
    expect(codeOf(() => limits.admit(daily))).toBe("admitted");
    expect(codeOf(() => limits.admit(daily))).toBe("token_daily_quota_exceeded");
  });

  it("a request refused by the daily quota does not use up the minute window", () => {
    const { meter, limits } = rigLimits();
    const both = token({ rpm: 2, dailyRequests: 1 });
    meter.record({ tokenId: both.id, ok: true, failures: [] });
    expect(codeOf(() => limits.admit(both))).toBe("token_daily_quota_exceeded");
    expect(codeOf(() => limits.admit({ ...both, dailyRequests: undefined }))).toBe("admitted");
    expect(codeOf(() => limits.admit({ ...both, dailyRequests: undefined }))).toBe("admitted");
    expect(codeOf(() => limits.admit({ ...both, dailyRequests: undefined }))).toBe("token_rpm_exceeded");
  });

  it("checks daily tokens against tokens already used (in-flight ones are unknown)", () => {
    const { meter, limits } = rigLimits();
    const tokens = token({ dailyTokens: 10 });
    limits.admit(tokens);
    limits.admit(tokens);
    meter.record({ tokenId: tokens.id, ok: true, failures: [], promptTokens: 6, completionTokens: 4 });
    expect(codeOf(() => limits.admit(tokens))).toBe("token_daily_quota_exceeded");
  });
});

describe("token limits under 30 concurrent requests", () => {
  it("serves exactly the daily quota and the minute limit, refusing the rest with 429", async () => {
    const rig = await startRig({ keys: { "sk-limit-slow-0001": "slow" }, slowMs: 100 });
    try {
      await rig.addKeys(["sk-limit-slow-0001"]);
      const tokenOf = async (json: Record<string, unknown>) =>
        (await (await adminCall(rig, "/admin/api/tokens", { json })).json()) as {
          token: string;
          record: { id: string };
        };
      const burst = async (secret: string) => {
        const answers = await Promise.all(
          Array.from({ length: 30 }, () =>
            rig.call("/v1/chat/completions", { json: chatBody(), headers: { authorization: `Bearer ${secret}` } }),
          ),
        );
        const codes: string[] = [];
        for (const res of answers)
          codes.push(res.status === 200 ? "200" : ((await res.json()) as ErrorBody).error.code);
        return codes;
      };
      const count = (codes: string[], code: string) => codes.filter((c) => c === code).length;

      const daily = await tokenOf({ name: "three-a-day", dailyRequests: 3 });
      const dailyCodes = await burst(daily.token);
      expect(count(dailyCodes, "200")).toBe(3);
      expect(count(dailyCodes, "token_daily_quota_exceeded")).toBe(27);
      // Usage recorded once per served request: the reservations became usage, not extra counts.
      const view = (await (await adminCall(rig, `/admin/api/tokens/${daily.record.id}`)).json()) as {
        usage: { requests: number };
      };
      expect(view.usage.requests).toBe(3);
      expect((await burst(daily.token)).every((c) => c === "token_daily_quota_exceeded")).toBe(true);

      const rpm = await tokenOf({ name: "five-a-minute", rpm: 5 });
      const rpmCodes = await burst(rpm.token);
      expect(count(rpmCodes, "200")).toBe(5);
      expect(count(rpmCodes, "token_rpm_exceeded")).toBe(25);
    } finally {
      await rig.close();
    }
  });
});
