import { describe, expect, it } from "vitest";
import { RequestLog } from "./request-log.js";
import { RecordIds, type RequestRecord } from "./request-record.js";
import { StructuredLog } from "./structured-log.js";

const record = (id: string, status = 200): RequestRecord => ({
  id,
  at: 1000,
  instance: "i-test",
  token: null,
  provider: "p",
  surface: "chat",
  model: null,
  keyId: null,
  keyMasked: null,
  attempts: [],
  status,
  ttfbMs: null,
  durationMs: 5,
  streamed: false,
  tokensIn: null,
  tokensOut: null,
  bytes: null,
  error: null,
});

describe("RequestLog", () => {
  it("keeps the newest ringSize records, newest first, found by id in order", () => {
    const ids = new RecordIds();
    const log = new RequestLog({ ringSize: 3 });
    const added = Array.from({ length: 5 }, (_, i) => ids.next(1000 + (i >> 1)));
    for (const id of added) log.add(record(id));
    expect(log.size).toBe(3);
    expect(log.page({ failed: false }, 10).items.map((r) => r.id)).toEqual(added.slice(2).reverse());
    expect(log.get(added[4] as string)?.id).toBe(added[4]);
    expect(log.get(added[0] as string)).toBeUndefined(); // evicted
    // A cursor older than everything kept, or evicted, still continues in order.
    expect(log.page({ failed: false }, 10, added[3]).items.map((r) => r.id)).toEqual([added[2]]);
  });

  it("makes ids that sort in the order they were made, even when the clock steps back", () => {
    const ids = new RecordIds();
    const made = [ids.next(5000), ids.next(5000), ids.next(4000), ids.next(6000)];
    expect([...made].sort()).toEqual(made);
    expect(made.every((id) => /^req-[0-9a-z]{18}$/.test(id))).toBe(true);
  });

  it("refuses a ring size that is not a positive integer", () => {
    expect(() => new RequestLog({ ringSize: 0 })).toThrow(/ringSize/);
  });
});

describe("StructuredLog", () => {
  it("writes a line at the level and above, nothing when off", () => {
    const lines: string[] = [];
    const warn = new StructuredLog(
      "warn",
      (line) => lines.push(line),
      () => 0,
    );
    warn.log("info", "request", { status: 200 });
    warn.log("warn", "request", { status: 404 });
    warn.log("error", "request", { status: 502 });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { time: "1970-01-01T00:00:00.000Z", level: "warn", msg: "request", status: 404 },
      { time: "1970-01-01T00:00:00.000Z", level: "error", msg: "request", status: 502 },
    ]);
    new StructuredLog("off", (line) => lines.push(line)).log("error", "request", {});
    expect(lines).toHaveLength(2);
  });
});
