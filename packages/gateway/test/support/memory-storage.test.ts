// The test memory storage passes the same conformance suite as every shipped storage, so the
// gateway tests built on it exercise the real Storage contract.
import { testStorage } from "../../src/testing/storage-case.js";
import { createMemoryStorage } from "./memory-storage.js";

testStorage({ name: "test memory storage", create: ({ now }) => createMemoryStorage({ now }) });
