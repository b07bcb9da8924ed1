/**
 * The kinds of environment variable Keyhive reads, each a strict parser plus the words the
 * generated documentation shows. A parser gets a non-empty value (unset and empty mean "the
 * default") and throws an Error whose message is the whole reason, variable name included.
 */
import { parsePublicURL, parseTrustProxy, type TrustProxy } from "../admin/proxy-trust.js";

export interface Variable<T> {
  readonly name: string;
  /** The type as the documentation shows it, e.g. `integer 0–65535`. */
  readonly type: string;
  /** The default as the documentation shows it. @default "none" */
  readonly defaultText?: string;
  readonly description: string;
  /** The value when the variable is unset or empty. */
  readonly fallback: T;
  readonly parse: (value: string) => T;
}

interface Doc {
  name: string;
  description: string;
}

/** `setTimeout`/`setInterval` fire at once for anything above this: a delay must stay below. */
export const TIMER_MAX_MS = 2_147_483_647;

export function integer(
  doc: Doc & {
    default: number;
    min: number;
    max: number /** What 0 means, when 0 is allowed below `min`. */;
    zero?: string;
  },
): Variable<number> {
  const range = `${doc.zero ? `0 (${doc.zero}) or ` : ""}an integer from ${doc.min} to ${doc.max}`;
  return {
    ...doc,
    type: doc.zero ? `integer: 0, or ${doc.min}–${doc.max}` : `integer ${doc.min}–${doc.max}`,
    defaultText: `\`${doc.default}\``,
    fallback: doc.default,
    parse: (value) => {
      const text = value.trim();
      // Digits only: Number() would also take "1e3", "0x10" and " ".
      const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
      if ((n === 0 && doc.zero) || (n >= doc.min && n <= doc.max)) return n;
      throw new Error(`${doc.name} must be ${range}, got '${value}'.`);
    },
  };
}

/** One of a fixed set of words (case-insensitive). */
export function oneOf<T extends string>(doc: Doc & { values: readonly T[]; default: T }): Variable<T> {
  const { values, ...rest } = doc;
  return {
    ...rest,
    type: values.map((v) => `\`${v}\``).join(", "),
    defaultText: `\`${doc.default}\``,
    fallback: doc.default,
    parse: (value) => {
      const word = value.trim().toLowerCase() as T;
      if (values.includes(word)) return word;
      throw new Error(`${doc.name} must be one of ${values.join(", ")}, got '${value}'.`);
    },
  };
}

export function boolean(doc: Doc & { default: boolean }): Variable<boolean> {
  return {
    ...doc,
    type: "boolean: `true`, `false`, `1`, `0`",
    defaultText: `\`${doc.default}\``,
    fallback: doc.default,
    parse: (value) => {
      const text = value.trim().toLowerCase();
      if (text === "true" || text === "1") return true;
      if (text === "false" || text === "0") return false;
      throw new Error(`${doc.name} must be true, false, 1 or 0, got '${value}'.`);
    },
  };
}

/** A comma-separated list: entries trimmed, empty ones dropped, a repeated one refused. */
export function list(doc: Doc & { secret?: boolean }): Variable<string[]> {
  return {
    ...doc,
    type: doc.secret ? "comma-separated secrets" : "comma-separated list",
    fallback: [],
    parse: (value) => {
      const entries = value
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean);
      const repeated = entries.findIndex((entry, i) => entries.indexOf(entry) !== i);
      if (repeated >= 0) {
        const first = entries.indexOf(entries[repeated] as string);
        // Secrets are never echoed: the positions say which entries to look at.
        const what = doc.secret ? "the same value" : `'${entries[repeated]}'`;
        throw new Error(`${doc.name} lists ${what} twice (entries ${first + 1} and ${repeated + 1}).`);
      }
      return entries;
    },
  };
}

/** Text taken as it is (a secret's spaces may be meant); only an empty value means unset. */
export function secret(
  doc: Doc & { /** Throws when the value breaks a policy. */ check?: (value: string) => void },
): Variable<string | undefined> {
  const { check, ...rest } = doc;
  return {
    ...rest,
    type: "secret",
    fallback: undefined,
    parse: (value) => {
      check?.(value);
      return value;
    },
  };
}

export function text(doc: Doc & { default: string }): Variable<string> {
  return { ...doc, type: "text", defaultText: `\`${doc.default}\``, fallback: doc.default, parse: (v) => v.trim() };
}

/** An absolute http(s) URL, as given (without surrounding spaces). */
export function httpURL(doc: Doc & { defaultText?: string }): Variable<string | undefined> {
  return {
    ...doc,
    type: "http(s) URL",
    fallback: undefined,
    parse: (value) => {
      const url = URL.canParse(value.trim()) ? new URL(value.trim()) : undefined;
      if (url?.protocol === "http:" || url?.protocol === "https:") return value.trim();
      throw new Error(
        `${doc.name} must be an absolute http(s) URL such as https://relay.example.com/v1, got '${value}'.`,
      );
    },
  };
}

export function publicURL(doc: Doc): Variable<string | undefined> {
  return {
    ...doc,
    type: "http(s) URL",
    defaultText: "the request's origin",
    fallback: undefined,
    parse: (v) => parsePublicURL(v, doc.name),
  };
}

export function trustProxy(doc: Doc): Variable<TrustProxy> {
  return {
    ...doc,
    type: "hop count 0–32, or addresses/CIDRs",
    defaultText: "none (`false`)",
    fallback: false,
    parse: (v) => parseTrustProxy(v, doc.name),
  };
}

/** A storage URI: `fs:<dir>`, `redis://…`/`rediss://…` or `memory:`, restricted to `schemes`. */
export function storageURI(
  doc: Doc & { schemes: ReadonlyArray<"fs" | "redis" | "memory">; default?: string; defaultText?: string },
): Variable<string | undefined> {
  const forms = { fs: "fs:<dir>", redis: "redis://host:port/db", memory: "memory:" };
  const patterns = { fs: /^fs:.+$/, redis: /^rediss?:\/\/.+$/, memory: /^memory:$/ };
  const all = doc.schemes.map((s) => forms[s]);
  const use = all.length > 1 ? `${all.slice(0, -1).join(", ")} or ${all.at(-1)}` : all[0];
  return {
    ...doc,
    type: `storage URI: ${doc.schemes.map((s) => `\`${forms[s]}\``).join(", ")}`,
    defaultText: doc.defaultText ?? (doc.default ? `\`${doc.default}\`` : undefined),
    fallback: doc.default,
    parse: (value) => {
      const uri = value.trim();
      if (doc.schemes.some((s) => patterns[s].test(uri))) return uri;
      // A Redis URI may carry a password: never echo it.
      const shown = uri.replace(/\/\/[^@/]*@/, "//***@");
      throw new Error(`Unknown storage '${shown}' in ${doc.name}: use ${use}.`);
    },
  };
}
