import { env } from "cloudflare:workers";
import { testStorage } from "@keyhive/gateway/testing/storage";
import { createD1Storage } from "../../src/cloudflare-d1.js";
import { failing, writeBudget } from "../failing-writes.js";
import { testRecordNames } from "../record-names.case.js";

const TABLES = ["keys", "key_changes", "tokens", "settings", "meta", "usage", "history", "requests"];

async function freshD1(now?: () => number) {
  const storage = createD1Storage({ binding: env.DB, now });
  await storage.keys.count(); // applies the migration
  await env.DB.batch(TABLES.map((table) => env.DB.prepare(`DELETE FROM ${table}`)));
  return storage;
}

testStorage({
  name: "cloudflare-d1",
  create: ({ now }) => freshD1(now),
  // Two instances on one database; the writer's batches (D1's only writes here) fail after `failAfter`.
  shared: async ({ now, failAfter }) => {
    const reader = await freshD1(now);
    const writer = createD1Storage({ binding: failing(env.DB, ["batch"], writeBudget(failAfter)), now });
    return { writer, reader };
  },
  capabilities: {
    // Batches: the writer's migration, then 11 for a 2,000-key add, 2 for the delete, 1 per patch.
    // Each point is a full crash run (~5 s in local D1): the first batches, the add's last, a patch.
    crashPoints: [0, 1, 3, 11, 150],
  },
});

testRecordNames({ name: "cloudflare-d1", create: () => freshD1() });
