import { fileURLToPath } from "node:url";
import { createKVStorage, type KVNamespaceLike } from "@keyhive/storage/cloudflare-kv";
import { testWorker } from "./worker.case.js";

testWorker({
  name: "workers-kv",
  dir: fileURLToPath(new URL("..", import.meta.url)),
  openStorage: async (mf) =>
    createKVStorage({ binding: (await mf.getKVNamespace("KEYHIVE_KV")) as unknown as KVNamespaceLike }),
});
