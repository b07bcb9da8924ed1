/**
 * What an import reads out of a dump: distinct keys with an optional balance, and the lines (or
 * JSON items) it could not read. Every format reader feeds one {@link EntryCollector}.
 */

export interface ImportedKey {
  secret: string;
  /** The balance the dump recorded, if any. */
  balance?: number;
}

/** Where a rejected entry was: a 1-based line of a text/CSV dump, or a 1-based item of a JSON dump. */
export type EntryPlace = { line: number } | { item: number };

export type ImportReject = EntryPlace & { reason: string };

export interface ImportEntries {
  keys: ImportedKey[];
  rejected: ImportReject[];
}

/** A value shown in a reason: short, and never a whole key. */
const shown = (value: string) => JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value);

/** `undefined` for no balance, `NaN` for one that is not a number. */
function readBalance(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? value : Number.NaN;
  if (typeof value !== "string") return Number.NaN;
  const text = value.trim();
  if (text === "") return undefined;
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : Number.NaN;
}

/** Why an entry cannot be imported, if it cannot. */
function entryProblem(secretValue: unknown, secret: string, balanceValue: unknown, balance: number | undefined) {
  if (typeof secretValue !== "string") return "no key (expected a string)";
  if (secret === "") return "empty key";
  // Keyhive's export masks secrets unless asked not to; a masked key can never be used.
  if (secret.includes("…")) return "a masked key: export with reveal=true";
  if (Number.isNaN(balance)) {
    return `balance ${typeof balanceValue === "string" ? shown(balanceValue) : typeof balanceValue} is not a number`;
  }
  return undefined;
}

/** Collects entries in order; the first occurrence of a secret wins, a repeat only fills in a missing balance. */
export class EntryCollector {
  private readonly bySecret = new Map<string, ImportedKey>();
  private readonly rejects: ImportReject[] = [];

  reject(at: EntryPlace, reason: string): void {
    this.rejects.push({ ...at, reason });
  }

  add(at: EntryPlace, secretValue: unknown, balanceValue?: unknown): void {
    const secret = typeof secretValue === "string" ? secretValue.trim() : "";
    const balance = readBalance(balanceValue);
    const problem = entryProblem(secretValue, secret, balanceValue, balance);
    if (problem) {
      this.reject(at, problem);
      return;
    }
    const known = this.bySecret.get(secret);
    if (!known) this.bySecret.set(secret, balance === undefined ? { secret } : { secret, balance });
    else if (known.balance === undefined && balance !== undefined) known.balance = balance;
  }

  result(): ImportEntries {
    return { keys: [...this.bySecret.values()], rejected: this.rejects };
  }
}

/** The lines of a text, without a byte-order mark, numbered from 1. */
export function numberedLines(text: string): { line: number; text: string }[] {
  return text
    .replace(/^\uFEFF/, "")
    .split(/\r\n|\n|\r/)
    .map((t, i) => ({ line: i + 1, text: t }));
}
