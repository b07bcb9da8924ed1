import { Agent, fetch as undiciFetch } from "undici";
import { describe, expect, it } from "vitest";
import {
  ADMIN_PASSWORD,
  adminCall,
  adminLogin,
  chatBody,
  cookieOf,
  startRig,
  type TestRig,
} from "../../test/support/index.js";
import { newKeyRecord } from "../pool/new-key.js";
import { isAuthRecord, type Storage } from "../spec/storage.js";

const header = JSON.stringify({ type: "header", format: "keyhive-backup", version: 1 });

/** Everything a restore could touch, to compare before and after. */
async function snapshot(storage: Storage) {
  const keys = [];
  let cursor: string | undefined;
  do {
    const page = await storage.keys.list({ cursor, limit: 1000 });
    keys.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return {
    keys,
    tokens: await storage.tokens.list(),
    settings: await storage.settings.all(),
    revision: await storage.revision(),
  };
}

async function authRecords(storage: Storage) {
  return Object.fromEntries(Object.entries(await storage.settings.all()).filter(([name]) => isAuthRecord(name)));
}

const lines = (text: string) =>
  text
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { type: string; name?: string; includesAuth?: boolean });

describe("backup and restore", () => {
  it("exports keys, tokens and settings as JSON lines and restores them into an empty gateway", async () => {
    const source = await startRig({ acceptAnyKey: true });
    const target = await startRig({ acceptAnyKey: true });
    try {
      await source.addKeys(["sk-backup-000000001", "sk-backup-000000002"]);
      const created = await adminCall(source, "/admin/api/tokens", { json: { name: "restored", rpm: 5 } });
      const { token } = (await created.json()) as { token: string };
      await adminCall(source, "/admin/api/settings", { method: "PATCH", json: { retries: 1 } });

      const res = await adminCall(source, "/admin/api/backup");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("application/x-ndjson");
      expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="keyhive-backup-.*\.jsonl"/);
      const text = await res.text();
      const lines = text
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { type: string });
      expect(lines[0]).toMatchObject({ type: "header", format: "keyhive-backup", version: 1 });
      expect(lines.filter((l) => l.type === "key")).toHaveLength(2);
      expect(text).toContain("sk-backup-000000001"); // a backup holds the secrets

      const restored = await adminCall(target, "/admin/api/restore", { body: text, method: "POST" });
      expect(restored.status).toBe(200);
      const counts = (await restored.json()) as { keys: number; tokens: number; settings: number };
      expect(counts.keys).toBe(2);
      expect(counts.tokens).toBeGreaterThanOrEqual(1);
      expect(counts.settings).toBeGreaterThan(0);
      expect(target.gateway.pool.keysOf()).toHaveLength(2);
      expect(target.gateway.settings.value.retries).toBe(1);
      // The restored token works through the target's proxy at once.
      const proxied = await target.call("/v1/chat/completions", {
        json: chatBody(),
        headers: { authorization: `Bearer ${token}` },
      });
      expect(proxied.status).toBe(200);

      const again = (await (await adminCall(target, "/admin/api/restore", { body: text, method: "POST" })).json()) as {
        keys: number;
        duplicates: number;
      };
      expect(again).toMatchObject({ keys: 0, duplicates: 2 });
    } finally {
      await source.close();
      await target.close();
    }
  });
});

describe("backup and restore: malformed lines and admin auth", () => {
  it("rejects malformed lines with the line number, and requires admin auth", async () => {
    const rig = await startRig({});
    try {
      const header = JSON.stringify({ type: "header", format: "keyhive-backup", version: 1 });
      const cases: [string, RegExp][] = [
        [`${header}\n{oops`, /^line 2$/],
        [`${header}\n${JSON.stringify({ type: "key", record: { id: "x" } })}`, /^line 2\.record\./],
        [`${header}\n${JSON.stringify({ type: "alien" })}`, /^line 2/],
        [JSON.stringify({ type: "setting", name: "a", value: 1 }), /^line 1$/],
      ];
      for (const [body, param] of cases) {
        const res = await adminCall(rig, "/admin/api/restore", { body, method: "POST" });
        expect(res.status, body).toBe(400);
        expect(((await res.json()) as { error: { param: string } }).error.param).toMatch(param);
      }
      expect((await fetch(`${rig.url}/admin/api/backup`)).status).toBe(401);
      expect((await fetch(`${rig.url}/admin/api/restore`, { method: "POST", body: header })).status).toBe(401);
      const agent = new Agent();
      const big = await undiciFetch(`${rig.url}/admin/api/restore`, {
        method: "POST",
        dispatcher: agent,
        headers: { authorization: `Bearer ${ADMIN_PASSWORD}` },
        body: `${header}\n${" ".repeat(64 * 1024 * 1024 + 1)}`,
      });
      await agent.close().catch(() => {});
      expect(big.status).toBe(413);
    } finally {
      await rig.close();
    }
  });
});

describe("backup and restore: auth records left out of exports", () => {
  it("leaves auth records (signing secret, password hashes, admin tokens) out unless includeAuth=true", async () => {
    const rig = await startRig({});
    try {
      await adminCall(rig, "/admin/api/settings", { method: "PATCH", json: { guestPassword: "guest-password-1" } });
      await adminCall(rig, "/admin/api/admin-tokens", { json: { name: "ci" } });
      await adminLogin(rig); // makes sure the session secret exists
      const stored = await authRecords(rig.gateway.storage);
      expect(Object.keys(stored)).toEqual(
        expect.arrayContaining([
          "auth.sessionSecret",
          "auth.adminPasswordHash",
          "auth.adminTokens",
          "setting.guestPasswordHash",
        ]),
      );
      const secret = stored["auth.sessionSecret"] as string;

      const plain = await (await adminCall(rig, "/admin/api/backup")).text();
      expect(lines(plain)[0]).toMatchObject({ type: "header", includesAuth: false });
      expect(lines(plain).filter((l) => l.type === "setting" && isAuthRecord(l.name ?? ""))).toEqual([]);
      expect(plain).not.toContain(secret);
      expect(plain).not.toContain(stored["auth.adminPasswordHash"] as string);
      expect(plain).not.toMatch(/pbkdf2(-sha256)?\$/); // no password hash of any format

      const full = await (await adminCall(rig, "/admin/api/backup?includeAuth=true")).text();
      expect(lines(full)[0]).toMatchObject({ type: "header", includesAuth: true });
      expect(full).toContain(secret);
      const names = lines(full).flatMap((l) => (l.type === "setting" ? [l.name] : []));
      expect(names).toEqual(expect.arrayContaining(Object.keys(stored)));

      const bad = await adminCall(rig, "/admin/api/backup?includeAuth=yes");
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { param: string } }).error.param).toBe("includeAuth");
    } finally {
      await rig.close();
    }
  });
});

describe("backup and restore: auth records kept on restore", () => {
  it("restores a backup without touching the current auth records, unless includeAuth=true", async () => {
    const source = await startRig({}, { adminPassword: "source-admin-password" });
    const target = await startRig({});
    try {
      await adminCall(source, "/admin/api/settings", {
        method: "PATCH",
        json: { retries: 2 },
        headers: { authorization: "Bearer source-admin-password" },
      });
      await adminLogin(source, "source-admin-password");
      const full = await (
        await adminCall(source, "/admin/api/backup?includeAuth=true", {
          headers: { authorization: "Bearer source-admin-password" },
        })
      ).text();
      const cookie = cookieOf(await adminLogin(target));
      const before = await authRecords(target.gateway.storage);

      const res = await adminCall(target, "/admin/api/restore", { method: "POST", body: full });
      expect(res.status).toBe(200);
      const counts = (await res.json()) as { settings: number; skippedAuth: number };
      expect(counts.skippedAuth).toBeGreaterThanOrEqual(2);
      expect(await authRecords(target.gateway.storage)).toEqual(before);
      expect(target.gateway.settings.value.retries).toBe(2); // the rest was restored
      // The target's password and sessions still work; the source's password does not.
      expect((await adminCall(target, "/admin/api/session")).status).toBe(200);
      expect((await fetch(`${target.url}/admin/api/session`, { headers: { cookie } })).status).toBe(200);
      const foreign = await adminCall(target, "/admin/api/session", {
        headers: { authorization: "Bearer source-admin-password", "x-forwarded-for": "10.9.9.9" },
      });
      expect(foreign.status).toBe(401);

      // Asked for explicitly, the auth records are replaced by the backup's.
      const withAuth = await adminCall(target, "/admin/api/restore?includeAuth=true", { method: "POST", body: full });
      expect(((await withAuth.json()) as { skippedAuth: number }).skippedAuth).toBe(0);
      expect(await authRecords(target.gateway.storage)).toEqual(await authRecords(source.gateway.storage));
      const asSource = await adminCall(target, "/admin/api/session", {
        headers: { authorization: "Bearer source-admin-password" },
      });
      expect(asSource.status).toBe(200);
      // The old cookie was signed with the replaced secret.
      expect((await fetch(`${target.url}/admin/api/session`, { headers: { cookie } })).status).toBe(401);
    } finally {
      await source.close();
      await target.close();
    }
  });
});

describe("backup and restore: the whole file is validated first", () => {
  it("validates the whole file first: a bad 3rd line is a 400 naming it, and nothing is written", async () => {
    const rig: TestRig = await startRig({ acceptAnyKey: true });
    try {
      await rig.addKeys(["sk-existing-00000001"]);
      await adminCall(rig, "/admin/api/tokens", { json: { name: "existing" } });
      const key = await newKeyRecord({ provider: "fake", secret: "sk-restore-00000001" }, 1);
      const good = [
        header,
        JSON.stringify({ type: "key", record: key }),
        "", // replaced by the bad line
        JSON.stringify({ type: "setting", name: "setting.retries", value: 0 }),
        JSON.stringify({
          type: "token",
          record: { id: "tok-aaaaaaaaaaaa", name: "n", hash: "a".repeat(64), hint: "h", createdAt: 1 },
        }),
      ];
      const cases: [string, string, RegExp][] = [
        ["{oops", "line 3", /^Line 3 is not valid JSON\.$/],
        [
          JSON.stringify({ type: "setting", name: "../settings/auth.sessionSecret", value: 1 }),
          "line 3.name",
          /^Line 3: field 'name': must be 1–256 characters/,
        ],
        [JSON.stringify({ type: "setting", name: "a\u0000", value: 1 }), "line 3.name", /^Line 3: field 'name'/],
        [
          JSON.stringify({
            type: "token",
            record: { id: "../x", name: "n", hash: "b".repeat(64), hint: "h", createdAt: 1 },
          }),
          "line 3.record.id",
          /^Line 3: field 'record.id'/,
        ],
        [
          JSON.stringify({ type: "key", record: { ...key, id: "fake-../../x" } }),
          "line 3.record.id",
          /^Line 3: field 'record.id'/,
        ],
        [
          JSON.stringify({ type: "key", record: { ...key, id: `other-${key.hash.slice(0, 20)}` } }),
          "line 3.record.id",
          /must be '<provider>-<first 20 hex chars of hash>'/,
        ],
        [JSON.stringify({ type: "key", record: { ...key, hash: "nothex" } }), "line 3.record.hash", /sha256/],
        [JSON.stringify({ type: "alien" }), "line 3.type", /^Line 3: field 'type'/],
      ];
      for (const [bad, param, message] of cases) {
        const before = await snapshot(rig.gateway.storage);
        const poolBefore = rig.gateway.pool.keysOf().length;
        const body = good.map((line, i) => (i === 2 ? bad : line)).join("\n");
        const res = await adminCall(rig, "/admin/api/restore", { method: "POST", body });
        expect(res.status, bad).toBe(400);
        const error = ((await res.json()) as { error: { param: string; message: string } }).error;
        expect(error.param, bad).toBe(param);
        expect(error.message, bad).toMatch(message);
        expect(await snapshot(rig.gateway.storage), bad).toEqual(before);
        expect(rig.gateway.pool.keysOf().length).toBe(poolBefore);
      }
      // The same file with a good 3rd line restores everything.
      const ok = good.map((line, i) => (i === 2 ? JSON.stringify({ type: "history", entry: {} }) : line)).join("\n");
      const res = await adminCall(rig, "/admin/api/restore", { method: "POST", body: ok });
      expect(await res.json()).toEqual({ keys: 1, duplicates: 0, tokens: 1, settings: 1, skippedAuth: 0 });
    } finally {
      await rig.close();
    }
  });
});
