import { env } from "cloudflare:workers";
import { testStorage } from "@keyhive/gateway/testing/storage";
import { createD1Storage } from "../../src/cloudflare-d1.js";
import { testRecordNames } from "../record-names.case.js";

const TABLES = ["keys", "key_changes", "tokens", "settings", "meta", "usage", "history"];

async function freshD1(now?: () => number) {
  const storage = createD1Storage({ binding: env.DB, now });
  await storage.keys.count(); // applies the migration
  await env.DB.batch(TABLES.map((table) => env.DB.prepare(`DELETE FROM ${table}`)));
  return storage;
}

testStorage({ name: "cloudflare-d1", create: ({ now }) => freshD1(now) });

testRecordNames({ name: "cloudflare-d1", create: () => freshD1() });
