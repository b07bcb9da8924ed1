/**
 * First-start secrets: with no admin password and no client token configured, generate both,
 * store only their hashes, and hand the plaintext back once for the runtime to print (Workers,
 * which print nothing, turn the client token off). A configured admin password is checked against
 * the same policy as the admin API's and manages the password: its hash replaces the stored one
 * at every start.
 */
import { ADMIN_PASSWORD_HASH } from "./admin/admin-auth.js";
import type { Storage } from "./spec/storage.js";
import {
  DEFAULT_PASSWORD_ITERATIONS,
  hashPassword,
  needsRehash,
  randomSecret,
  sha256Hex,
  verifyPassword,
} from "./util/crypto.js";
import { maskSecret } from "./util/mask.js";

/** The admin password policy (the same as `POST /admin/api/password`'s). */
export const ADMIN_PASSWORD_MIN_LENGTH = 12;
export const ADMIN_PASSWORD_MAX_LENGTH = 1024;

export interface BootstrapOptions {
  storage: Storage;
  /** Admin password from configuration; its hash replaces any stored one. */
  adminPassword?: string;
  /** Whether client tokens come from configuration (then none is generated). */
  hasConfiguredClientTokens: boolean;
  /**
   * Generate a client token when none is configured or stored. Off where nobody would see it
   * printed (Workers). @default true
   */
  generateClientToken?: boolean;
  /** PBKDF2 iterations of the hashes written. @default DEFAULT_PASSWORD_ITERATIONS */
  passwordIterations?: number;
  now?: () => number;
}

export interface BootstrapResult {
  /** Set only when generated now: show it once, it is not stored. */
  adminPassword?: string;
  /** Set only when generated now: show it once, it is not stored. */
  clientToken?: string;
}

/**
 * Throws a clear error for a configured admin password the admin API would refuse: a weak
 * password must stop the start, not slip past the check an admin in the UI would face.
 */
export function assertAdminPassword(password: string): void {
  const length = [...password].length;
  if (length < ADMIN_PASSWORD_MIN_LENGTH) {
    throw new Error(
      `The configured admin password (KEYHIVE_ADMIN_PASSWORD) is ${length} character${length === 1 ? "" : "s"} long: ` +
        `it must be at least ${ADMIN_PASSWORD_MIN_LENGTH}. Choose a longer one (e.g. \`openssl rand -base64 18\`).`,
    );
  }
  if (length > ADMIN_PASSWORD_MAX_LENGTH) {
    throw new Error(
      `The configured admin password (KEYHIVE_ADMIN_PASSWORD) is ${length} characters long: it must be at most ${ADMIN_PASSWORD_MAX_LENGTH}.`,
    );
  }
}

export async function bootstrapSecrets(options: BootstrapOptions): Promise<BootstrapResult> {
  const { storage } = options;
  const iterations = options.passwordIterations ?? DEFAULT_PASSWORD_ITERATIONS;
  const result: BootstrapResult = {};
  const stored = await storage.settings.get<string>(ADMIN_PASSWORD_HASH);
  if (options.adminPassword !== undefined) {
    assertAdminPassword(options.adminPassword);
    // Re-hashed when it changed, and when the stored hash was made with other parameters
    // (an older format, or another runtime's iteration count).
    const current = stored && !needsRehash(stored, iterations) && (await verifyPassword(options.adminPassword, stored));
    if (!current)
      await storage.settings.set(ADMIN_PASSWORD_HASH, await hashPassword(options.adminPassword, iterations));
  } else if (!stored) {
    result.adminPassword = randomSecret("", 18);
    await storage.settings.set(ADMIN_PASSWORD_HASH, await hashPassword(result.adminPassword, iterations));
  }
  const generate = options.generateClientToken !== false && !options.hasConfiguredClientTokens;
  if (generate && (await storage.tokens.list()).length === 0) {
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
