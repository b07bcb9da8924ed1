/**
 * Secrets never reach a log: known key secrets and the client token go through every log path
 * (ring records, list, one record, tail, both exports, request and key-status lines) and none of them
 * shows up.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCall, CLIENT_TOKEN, chatBody, startRig, type TestRig } from "../../test/support/index.js";
import { readLive } from "../../test/support/tail-reader.js";
import { roundRobin } from "../pool/strategies.js";
import type { RequestRecord } from "./request-record.js";

const SECRETS = {
  dead: "sk-masking-dead-secret-0123456789abcdef",
  good: "sk-masking-good-secret-0123456789abcdef",
  cut: "sk-masking-cut-secret-0123456789abcdef",
};
const lines: string[] = [];
let rig: TestRig;

beforeAll(async () => {
  rig = await startRig(
    { keys: { [SECRETS.dead]: "invalid", [SECRETS.good]: "ok", [SECRETS.cut]: "cut-mid-stream" } },
    { strategy: roundRobin(), logLevel: "debug", logger: (line) => lines.push(line) },
  );
  await rig.addKeys(Object.values(SECRETS));
});
afterAll(() => rig.close());

const forbidden = [...Object.values(SECRETS), CLIENT_TOKEN];
const leaks = (text: string) => forbidden.filter((secret) => text.includes(secret));

describe("request log: secrets", () => {
  it("appear in no record, answer, tail event, export or structured line", async () => {
    const tail = readLive(await adminCall(rig, "/admin/api/logs/tail"));
    for (let i = 0; i < 3; i++) await (await rig.call("/v1/chat/completions", { json: chatBody() })).text();
    for (let i = 0; i < 3; i++) {
      await (await rig.call("/v1/chat/completions", { json: chatBody({ stream: true }) })).text();
    }
    // Every key unusable: a failed request with its error message.
    for (const key of rig.gateway.pool.keysOf()) rig.gateway.pool.patch(key.id, { status: "disabled" });
    expect((await rig.call("/v1/chat/completions", { json: chatBody() })).status).toBeGreaterThanOrEqual(500);
    const log = (await (await adminCall(rig, "/admin/api/logs")).json()) as { items: RequestRecord[] };
    await tail.until((events) => events.length >= log.items.length);
    await tail.close();

    const records = log.items;
    expect(records.length).toBe(7);
    // The paths carry what they should: failures, a broken stream, a failed request's error.
    expect(records.some((r) => r.attempts.some((a) => a.failure === "key_invalid"))).toBe(true);
    expect(records.some((r) => r.streamed && r.status === 502 && r.error?.includes("Stream ended early"))).toBe(true);
    expect(records.some((r) => r.error?.includes("No usable"))).toBe(true);
    const texts = {
      list: JSON.stringify(log),
      one: await (await adminCall(rig, `/admin/api/logs/${log.items[0]?.id}`)).text(),
      tail: tail.text(),
      csv: await (await adminCall(rig, "/admin/api/logs/export?format=csv")).text(),
      jsonl: await (await adminCall(rig, "/admin/api/logs/export?format=jsonl")).text(),
      lines: lines.join("\n"),
    };
    for (const [path, text] of Object.entries(texts)) {
      expect(text.length, path).toBeGreaterThan(100);
      expect(leaks(text), path).toEqual([]);
    }
    // The masked forms are there instead.
    expect(texts.list).toContain("sk-mas…cdef");
  });

  it("writes one JSON line per request with its level, and one per key status change", () => {
    const parsed = lines.map(
      (line) =>
        JSON.parse(line) as { level: string; msg: string; status: number; time: string } & Record<string, unknown>,
    );
    const requests = parsed.filter((line) => line.msg === "request");
    expect(requests).toHaveLength(7);
    for (const line of requests) {
      expect(line.level).toBe(line.status >= 500 ? "error" : line.status >= 400 ? "warn" : "info");
      expect(Date.parse(line.time)).toBeGreaterThan(0);
    }
    // The dead key went invalid on its first 401; then every key was disabled by hand.
    const changes = parsed.filter((line) => line.msg === "key status");
    expect(changes.length).toBe(parsed.length - requests.length);
    expect(changes).toContainEqual(
      expect.objectContaining({ level: "warn", from: "active", to: "invalid", keyMasked: "sk-mas…cdef" }),
    );
    expect(changes.filter((line) => line.to === "disabled").length).toBe(3);
  });
});
