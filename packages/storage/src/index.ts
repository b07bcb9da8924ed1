export { createMemoryStorage } from "./memory.js";
export { createUnstorageStorage, type UnstorageStorageOptions } from "./unstorage-storage.js";
