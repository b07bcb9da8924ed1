import { testStorage } from "@keyhive/gateway/testing/storage";
import { createMemoryStorage } from "../src/memory.js";
import { testRecordNames } from "./record-names.case.js";

testStorage({ name: "memory", create: ({ now }) => createMemoryStorage({ now }) });
testRecordNames({ name: "memory", create: () => createMemoryStorage() });
