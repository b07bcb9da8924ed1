import type { KeyFormatResult } from "@keyhive/gateway";

/** Classic API keys (`AIza` + 35) and the newer `AQ.` keys. */
export const GEMINI_KEY_PATTERNS: readonly RegExp[] = [/^AIza[0-9A-Za-z_-]{35}$/, /^AQ\.[0-9A-Za-z_.-]{20,}$/];

/**
 * Accepts the known key shapes and explains a rejection without echoing the key: an unknown
 * shape is reported, never silently dropped, so an operator learns that formats moved on.
 */
export function validateGeminiKey(secret: string, patterns: readonly RegExp[] = GEMINI_KEY_PATTERNS): KeyFormatResult {
  if (patterns.some((pattern) => pattern.test(secret))) return { ok: true };
  const accepted =
    patterns === GEMINI_KEY_PATTERNS
      ? `"AIza" followed by 35 letters, digits, "_" or "-" (39 characters), or a newer key starting "AQ."`
      : patterns.map(String).join(" or ");
  let hint = `got ${secret.length} characters`;
  if (/^AIza/.test(secret) && secret.length !== 39)
    hint = `starts with "AIza" but has ${secret.length} characters, not 39`;
  else if (/\s/.test(secret)) hint = "contains whitespace";
  else if (/^kh-/.test(secret)) hint = "looks like a Keyhive client token, not a Google key";
  return { ok: false, reason: `not a Gemini API key: expected ${accepted}; ${hint}` };
}
