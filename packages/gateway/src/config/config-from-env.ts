/**
 * `configFromEnv(env)`: the configuration of a Keyhive entry from its environment — `process.env`
 * on Node and Bun, the Worker's `env` on Workers. Strict: every malformed value, unknown
 * `KEYHIVE_*` name and missing required variable is collected, and one `ConfigError` lists them all.
 */
import { baseURLVariable, CONFIG_VARIABLES, type ConfigValues, OTHER_VARIABLES } from "./variables.js";

export type ConfigEnv = Readonly<Record<string, string | undefined>>;

export interface KeyhiveConfig extends ConfigValues {
  /** `<PROVIDER_ID>_BASE_URL` for each id of `ConfigFromEnvOptions.providers`; `undefined`: the provider's own. */
  baseURLs: Record<string, string | undefined>;
}

export interface ConfigFromEnvOptions {
  /** Provider ids whose `<PROVIDER_ID>_BASE_URL` to read, e.g. `["openai"]` reads `OPENAI_BASE_URL`. */
  providers?: readonly string[];
  /**
   * Variables this entry cannot run without, each with the reason shown when it is missing.
   * @example { KEYHIVE_ADMIN_PASSWORD: "every instance on the same Redis must share it" }
   */
  required?: Readonly<Record<string, string>>;
}

/** A configuration refused: `problems` holds one sentence per bad variable; the message lists them all. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      problems.length === 1
        ? (problems[0] as string)
        : `${problems.length} configuration problems:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

const KNOWN = new Set([...Object.values(CONFIG_VARIABLES).map((v) => v.name), ...OTHER_VARIABLES.map((v) => v.name)]);

export function configFromEnv(env: ConfigEnv, options: ConfigFromEnvOptions = {}): KeyhiveConfig {
  const problems: string[] = [];
  const read = <T>(variable: { name: string; fallback: T; parse: (value: string) => T }): T => {
    const value = env[variable.name];
    if (value === undefined || value.trim() === "") return variable.fallback;
    try {
      return variable.parse(value);
    } catch (error) {
      problems.push((error as Error).message);
      return variable.fallback;
    }
  };
  const values = Object.fromEntries(
    Object.entries(CONFIG_VARIABLES).map(([field, variable]) => [field, read<unknown>(variable)]),
  ) as ConfigValues;
  const baseURLs = Object.fromEntries((options.providers ?? []).map((id) => [id, read(baseURLVariable(id))]));
  for (const [name, why] of Object.entries(options.required ?? {})) {
    if (!env[name]?.trim()) problems.push(`${name} is required: ${why}.`);
  }
  // Unknown names are errors, not warnings: a typo in KEYHIVE_ENCRYPTION_KEY would store keys in plaintext.
  for (const name of Object.keys(env).sort()) {
    if (name.startsWith("KEYHIVE_") && !KNOWN.has(name)) problems.push(unknownName(name));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...values, baseURLs };
}

function unknownName(name: string): string {
  const near = [...KNOWN]
    .filter((known) => distance(known, name) <= 3)
    .sort((a, b) => distance(a, name) - distance(b, name));
  const hint = near[0] ? ` — did you mean ${near[0]}?` : "";
  return `${name} is not a Keyhive variable${hint} (every variable: docs/configuration.md).`;
}

/** Levenshtein distance, for the "did you mean" of a mistyped name. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
    }
    previous = row;
  }
  return previous[b.length] as number;
}
