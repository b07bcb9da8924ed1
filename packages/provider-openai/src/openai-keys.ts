import type { KeyFormatResult } from "@keyhive/gateway";

/**
 * Visible ASCII (0x21–0x7e) without `"` `'` `<` `>` `\` and `` ` ``: a key is pasted into
 * headers, JSON and the admin UI, and no real key needs a character that means markup or quoting.
 */
export const OPENAI_KEY_PATTERN = /^[\x21\x23-\x26\x28-\x3b\x3d\x3f-\x5b\x5d-\x5f\x61-\x7e]{8,256}$/;

/** How a rejected key is described: the pattern, a hint and a length, never the key itself. */
export interface KeyFormatRule {
  pattern: RegExp;
  /** The vendor's display name: `not a DeepSeek key: …`. Without it the reason stays generic. */
  name?: string;
  /** What a well-formed key looks like in words, e.g. `"sk-" + 48 lowercase letters`. */
  example?: string;
}

/** Checks a secret against the rule; the reason carries the secret's length to spot a paste error. */
export function checkKeyFormat(rule: KeyFormatRule, secret: string): KeyFormatResult {
  if (rule.pattern.test(secret)) return { ok: true };
  if (!rule.name) return { ok: false, reason: `does not match ${rule.pattern}` };
  const example = rule.example ? ` (e.g. ${rule.example})` : "";
  return {
    ok: false,
    reason: `not a ${rule.name} key: expected ${rule.pattern}${example}, got ${secret.length} characters`,
  };
}
