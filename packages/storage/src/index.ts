export {
  type BackupLine,
  type ExportOptions,
  exportStore,
  type ImportOptions,
  type ImportResult,
  importStore,
} from "./backup.js";
export {
  type EncryptionOptions,
  type ReencryptOptions,
  type ReencryptResult,
  reencryptStorage,
  withEncryption,
} from "./encryption.js";
export { createMemoryStorage } from "./memory.js";
export type { KeyPager } from "./unstorage-keys.js";
export {
  createUnstorageStorage,
  type UnstorageStorageHooks,
  type UnstorageStorageOptions,
} from "./unstorage-storage.js";
