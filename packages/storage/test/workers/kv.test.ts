import { env } from "cloudflare:workers";
import { testStorage } from "@keyhive/gateway/testing/storage";
import { createKVStorage, KV_MAX_KEYS_PER_ADD } from "../../src/cloudflare-kv.js";
import { failing, writeBudget } from "../failing-writes.js";
import { testRecordNames } from "../record-names.case.js";

let run = 0;

// Each test gets its own prefix in the shared namespace, so tests never see each other's data.
testStorage({
  name: "cloudflare-kv",
  create: ({ now }) => createKVStorage({ binding: env.KV, base: `t${++run}-${Date.now()}`, now }),
  // Two instances on one prefix; the writer's binding fails its puts and deletes after `failAfter`.
  shared: ({ now, failAfter }) => {
    const base = `shared${++run}-${Date.now()}`;
    const crashing = failing(env.KV, ["put", "delete"], writeBudget(failAfter));
    return {
      writer: createKVStorage({ binding: crashing, base, now }),
      reader: createKVStorage({ binding: env.KV, base, now }),
    };
  },
  capabilities: {
    // Local KV (SQLite under workerd) writes ~1–2k keys/s; 100k would take minutes here.
    largePoolSize: 10_000,
    importChunk: KV_MAX_KEYS_PER_ADD,
    crashKeys: 1200,
    // Before any write, inside the first chunk, just past a chunk boundary, near the end (plus the
    // kit's random point): each point is a full crash run, ~7 s in local KV, so no more than these.
    crashPoints: [0, 2, 502, 1205],
  },
});

testRecordNames({
  name: "cloudflare-kv",
  create: () => createKVStorage({ binding: env.KV, base: `names-${Date.now()}` }),
});
