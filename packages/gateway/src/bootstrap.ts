/**
 * First-start secrets: with no admin password and no client token configured, generate both,
 * store only their hashes, and hand the plaintext back once for the runtime to print.
 */
import { ADMIN_PASSWORD_HASH } from "./admin/admin-auth.js";
import type { Storage } from "./spec/storage.js";
import { hashPassword, randomSecret, sha256Hex, verifyPassword } from "./util/crypto.js";
import { maskSecret } from "./util/mask.js";

export interface BootstrapOptions {
  storage: Storage;
  /** Admin password from configuration; its hash replaces any stored one. */
  adminPassword?: string;
  /** Whether client tokens come from configuration (then none is generated). */
  hasConfiguredClientTokens: boolean;
  now?: () => number;
}

export interface BootstrapResult {
  /** Set only when generated now: show it once, it is not stored. */
  adminPassword?: string;
  /** Set only when generated now: show it once, it is not stored. */
  clientToken?: string;
}

export async function bootstrapSecrets(options: BootstrapOptions): Promise<BootstrapResult> {
  const { storage } = options;
  const result: BootstrapResult = {};
  const stored = await storage.settings.get<string>(ADMIN_PASSWORD_HASH);
  if (options.adminPassword) {
    if (!stored || !(await verifyPassword(options.adminPassword, stored))) {
      await storage.settings.set(ADMIN_PASSWORD_HASH, await hashPassword(options.adminPassword));
    }
  } else if (!stored) {
    result.adminPassword = randomSecret("", 18);
    await storage.settings.set(ADMIN_PASSWORD_HASH, await hashPassword(result.adminPassword));
  }
  if (!options.hasConfiguredClientTokens && (await storage.tokens.list()).length === 0) {
    const token = randomSecret("kh-", 24);
    await storage.tokens.put({
      id: `tok-${(await sha256Hex(token)).slice(0, 12)}`,
      name: "default",
      hash: await sha256Hex(token),
      hint: maskSecret(token),
      createdAt: (options.now ?? Date.now)(),
    });
    result.clientToken = token;
  }
  return result;
}
