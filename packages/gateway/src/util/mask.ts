/** Masks a secret for logs, UI and errors: the first 6 and last 4 characters survive. */
export function maskSecret(secret: string): string {
  if (secret.length <= 12) return `${secret.slice(0, 2)}…`;
  return `${secret.slice(0, 6)}…${secret.slice(-4)}`;
}

/** Replaces every occurrence of any of `secrets` in `text` with its masked form. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret && out.includes(secret)) out = out.replaceAll(secret, maskSecret(secret));
  return out;
}
