export { type BackupCounts, type BackupLine, type ExportOptions, exportStore } from "./backup.js";
export { ImportError, type ImportOptions, type ImportResult, importStore } from "./backup-import.js";
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
