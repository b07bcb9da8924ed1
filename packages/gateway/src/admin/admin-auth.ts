/**
 * Admin authentication for scripts: `Authorization: Bearer <admin password or admin token>`.
 * Only a PBKDF2 hash of the password is stored; tokens are stored as sha256 digests.
 */
import type { MiddlewareHandler } from "hono";
import { errors } from "../spec/errors.js";
import type { Storage } from "../spec/storage.js";
import { constantTimeEqual, sha256Hex, verifyPassword } from "../util/crypto.js";

export const ADMIN_PASSWORD_HASH = "auth.adminPasswordHash";
export const ADMIN_TOKEN_HASHES = "auth.adminTokenHashes";

export function adminAuth(storage: Storage): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match?.[1])
      throw errors.unauthorized(
        "Admin authentication required: send `Authorization: Bearer <admin password or token>`.",
      );
    const credential = match[1].trim();
    const digest = await sha256Hex(credential);
    const tokens = (await storage.settings.get<string[]>(ADMIN_TOKEN_HASHES)) ?? [];
    let ok = false;
    for (const stored of tokens) ok = constantTimeEqual(stored, digest) || ok;
    if (!ok) {
      const hash = await storage.settings.get<string>(ADMIN_PASSWORD_HASH);
      ok = hash !== undefined && (await verifyPassword(credential, hash));
    }
    if (!ok) throw errors.unauthorized("Invalid admin credentials.");
    await next();
  };
}
