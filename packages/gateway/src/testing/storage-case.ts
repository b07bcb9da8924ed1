/**
 * The Storage conformance suite. Every implementation runs it in a few lines:
 *
 *   testStorage({ name: "memory", create: ({ now }) => createMemoryStorage({ now }) });
 *
 * It imports only vitest and the gateway core, so it also runs inside workerd
 * (`@keyhive/gateway/testing/storage`).
 */
import { afterEach, describe } from "vitest";
import type { Storage } from "../spec/storage.js";
import { bulkTests } from "./storage-case-bulk.js";
import { crashTests } from "./storage-case-crash.js";
import { keyRecordTests, keyWriteTests } from "./storage-case-keys.js";
import { feedAndTokenTests, usageAndHistoryTests } from "./storage-case-records.js";
import { requestLogTests } from "./storage-case-requests.js";
import type { SharedStorages, StorageCaseOptions, StorageSuite } from "./storage-case-support.js";

export {
  listAll,
  makeKeys,
  type SharedCaseContext,
  type SharedStorages,
  type StorageCaseCapabilities,
  type StorageCaseContext,
  type StorageCaseOptions,
} from "./storage-case-support.js";

export function testStorage(options: StorageCaseOptions): void {
  const caps = {
    clock: true,
    largePoolSize: 100_000,
    importChunk: 1000,
    bulkTimeoutMs: 120_000,
    crashKeys: 2000,
    ...options.capabilities,
  };
  let offset = 0;
  const now = () => Date.now() + offset;
  const opened: Storage[] = [];
  const suite: StorageSuite = {
    name: options.name,
    caps,
    now,
    setClockOffset: (ms) => {
      offset = ms;
    },
    async open() {
      offset = 0;
      const storage = await options.create({ now });
      opened.push(storage);
      return storage;
    },
    shared: options.shared
      ? async (failAfter) => {
          offset = 0;
          return (await options.shared?.({ now, failAfter })) as SharedStorages;
        }
      : undefined,
  };

  describe(`Storage conformance: ${options.name}`, () => {
    afterEach(async () => {
      for (const storage of opened.splice(0)) {
        await options.cleanup?.(storage);
        await storage.close?.();
      }
    });
    keyRecordTests(suite);
    keyWriteTests(suite);
    feedAndTokenTests(suite);
    usageAndHistoryTests(suite);
    requestLogTests(suite);
    bulkTests(suite);
    crashTests(suite);
  });
}
