import { testStorage } from "@keyhive/gateway/testing/storage";
import { createMemoryStorage } from "../src/memory.js";

testStorage({ name: "memory", create: ({ now }) => createMemoryStorage({ now }) });
