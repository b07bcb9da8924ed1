import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCall, startRig, type TestRig } from "../../test/support/index.js";

describe("export API", () => {
  let rig: TestRig;
  const secrets = ["sk-export-aaaa-000001", "sk-export-bbbb-000002", "sk-export-cccc-000003"];
  beforeAll(async () => {
    rig = await startRig({});
    await rig.addKeys(secrets);
    const [a, b, c] = secrets.map((s) => rig.gateway.pool.keysOf().find((k) => k.secret === s)!.id);
    rig.gateway.pool.patch(a!, { balance: 20 });
    rig.gateway.pool.patch(b!, { balance: 5 });
    rig.gateway.pool.patch(c!, { status: "invalid", balance: 0 });
  });
  afterAll(() => rig.close());

  const get = (query: string) => adminCall(rig, `/admin/api/export?${query}`);

  it("masks secrets unless reveal=true", async () => {
    const masked = await (await get("format=keys")).text();
    for (const s of secrets) expect(masked).not.toContain(s);
    expect(masked.split("\n")).toHaveLength(3);
    const revealed = await (await get("format=keys&reveal=true")).text();
    expect(revealed.split("\n").sort()).toEqual([...secrets].sort());
    expect(await (await get("reveal=false")).text()).not.toContain(secrets[0]);
  });

  it("filters all / valid / min-balance / selected ids, and by provider", async () => {
    expect((await (await get("filter=valid&reveal=true")).text()).split("\n").sort()).toEqual(
      secrets.slice(0, 2).sort(),
    );
    expect(await (await get("filter=min-balance&reveal=true")).text()).toBe(secrets[0]);
    expect(await (await get("filter=min-balance&minBalance=5&reveal=true&separator=comma")).text()).toBe(
      `${secrets[0]},${secrets[1]}`,
    );
    const id = rig.gateway.pool.keysOf().find((k) => k.secret === secrets[2])!.id;
    expect(await (await get(`filter=selected&ids=${id}&reveal=true`)).text()).toBe(secrets[2]);
    expect(await (await get("provider=other")).text()).toBe("");
  });

  it("formats key|balance with any separator, CSV and JSON, with download headers", async () => {
    const kb = await (
      await get("format=key-balance&filter=valid&reveal=true&separator=custom&custom=%20%7C%7C%20")
    ).text();
    expect(kb).toBe(`${secrets[0]}|20 || ${secrets[1]}|5`);
    expect(await (await get("filter=valid&reveal=true&separator=tab")).text()).toContain("\t");
    expect(await (await get("filter=valid&reveal=true&separator=semicolon")).text()).toContain(";");
    expect(await (await get("filter=valid&reveal=true&separator=space")).text()).toContain(" ");

    const csv = await get("format=csv&download=true");
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.headers.get("content-disposition")).toMatch(
      /^attachment; filename="keyhive-all-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.csv"$/,
    );
    const lines = (await csv.text()).split("\n");
    expect(lines[0]).toBe("id,provider,key,status,balance,tags,addedAt,lastCheckedAt");
    expect(lines).toHaveLength(4);

    const json = await get("format=json&reveal=true&filter=valid");
    expect(json.headers.get("content-type")).toContain("application/json");
    expect(json.headers.get("content-disposition")).toBeNull();
    const rows = (await json.json()) as { key: string; balance: number }[];
    expect(rows.map((r) => r.balance)).toEqual([20, 5]);
    expect(rows[0]?.key).toBe(secrets[0]);
  });

  it("rejects bad options with the field in param", async () => {
    const cases: [string, string][] = [
      ["format=xml", "format"],
      ["separator=custom", "custom"],
      ["separator=custom&custom=12345678901", "custom"],
      ["filter=selected", "ids"],
      ["minBalance=lots", "minBalance"],
      ["reveal=yes", "reveal"],
    ];
    for (const [query, param] of cases) {
      const res = await get(query);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { param: string } }).error.param).toBe(param);
    }
  });
});
