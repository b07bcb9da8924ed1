import { testStorage } from "@keyhive/gateway/testing/storage";
import { createStorage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import { createMemoryStorage } from "../src/memory.js";
import { createUnstorageStorage } from "../src/unstorage-storage.js";
import { failingUnstorage } from "./failing-writes.js";
import { testRecordNames } from "./record-names.case.js";

testStorage({
  name: "memory",
  create: ({ now }) => createMemoryStorage({ now }),
  // Two instances over one in-process store, as createMemoryStorage builds it.
  shared: ({ now, failAfter }) => {
    const store = createStorage({ driver: memoryDriver() });
    return {
      writer: createUnstorageStorage(failingUnstorage(store, failAfter), { now }),
      reader: createUnstorageStorage(store, { now }),
    };
  },
});
testRecordNames({ name: "memory", create: () => createMemoryStorage() });
