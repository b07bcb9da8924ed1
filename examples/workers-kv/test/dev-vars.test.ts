/**
 * Each Workers example's `.dev.vars.example` lists every variable its Worker reads, each under a
 * comment saying whether it is required. "Reads" is taken from the code, not from a copied list:
 * the config fields the gateway's Workers entry uses (`config.x` in workers.ts and
 * gateway-options.ts, mapped to names through the variable table's source), the `<PROVIDER_ID>_BASE_URL` of
 * the example's `providerIds`, and the `env.X` its src reads that wrangler.toml does not bind.
 */
import { readFileSync } from "node:fs";
import { baseURLVariableName, CONFIG_VARIABLES, configFromEnv, OTHER_VARIABLES } from "@keyhive/gateway";
import { describe, expect, it } from "vitest";

const root = new URL("../../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");
const EXAMPLES = ["workers-kv", "workers-d1", "workers-do"];

const gatewayEntry = read("packages/gateway/src/workers.ts");
const gatewayOptions = read("packages/gateway/src/config/gateway-options.ts");
/** Config field → variable name, from the variable table's source (`adminPassword: secret({ name: "…" })`). */
const variablesSource = read("packages/gateway/src/config/variables.ts");
const fieldNames = new Map(
  [...variablesSource.matchAll(/^\s{2}(\w+): \w+\(\{\s*name: "([A-Z][A-Z0-9_]*)"/gm)].map((m) => [m[1], m[2]]),
);
/** What the Workers entry makes `configFromEnv` insist on (`REQUIRED` in workers.ts). */
const required = [...(/const REQUIRED = \{([\s\S]*?)\n\};/.exec(gatewayEntry)?.[1] ?? "").matchAll(/^\s*(\w+):/gm)].map(
  (m) => m[1] as string,
);

function readByTheGateway(): string[] {
  const fields = [...`${gatewayEntry}\n${gatewayOptions}`.matchAll(/\bconfig\.(\w+)/g)].map((m) => m[1] as string);
  return [...new Set(fields.filter((f) => f !== "baseURLs").map((f) => fieldNames.get(f) ?? `unknown field ${f}`))];
}

function readByTheExample(example: string): string[] {
  const src = read(`examples/${example}/src/index.ts`);
  const toml = read(`examples/${example}/wrangler.toml`);
  const bound = new Set([...toml.matchAll(/^(?:binding|name)\s*=\s*"(\w+)"/gm)].map((m) => m[1]));
  const ids = JSON.parse((/providerIds:\s*(\[[^\]]*\])/.exec(src)?.[1] ?? "[]").replace(/,\s*\]/, "]")) as string[];
  const fromEnv = [...src.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1] as string);
  return [...ids.map(baseURLVariableName), ...new Set(fromEnv.filter((name) => !bound.has(name)))];
}

/** `NAME` → the first line of its comment block, for every `NAME=` line (set or `# NAME=`). */
function listed(example: string): Map<string, string> {
  const lines = read(`examples/${example}/.dev.vars.example`).split("\n");
  const out = new Map<string, string>();
  lines.forEach((line, i) => {
    const name = /^(?:# )?([A-Z][A-Z0-9_]*)=/.exec(line)?.[1];
    if (!name) return;
    let start = i;
    while (start > 0 && (lines[start - 1] as string).trim() !== "") start--;
    out.set(name, lines[start] as string);
  });
  return out;
}

it("parses every entry of the variable table (as built) from its source", () => {
  for (const [field, variable] of Object.entries(CONFIG_VARIABLES)) expect(fieldNames.get(field)).toBe(variable.name);
});

describe.each(EXAMPLES)("%s/.dev.vars.example", (example) => {
  const entries = listed(example);

  it("lists every variable the Worker reads, each under a comment saying whether it is required", () => {
    const names = [...readByTheGateway(), ...readByTheExample(example)];
    expect(names).toContain("KEYHIVE_ADMIN_PASSWORD"); // the parse found something
    for (const name of names) {
      expect(entries.has(name), `${name} is read by the Worker but missing from .dev.vars.example`).toBe(true);
      const comment = entries.get(name) as string;
      expect(comment, name).toMatch(/^# (Required|Optional|Must stay unset)\. \S/);
      if (required.includes(name)) expect(comment, name).toMatch(/^# Required\./);
    }
  });

  it("lists nothing the gateway does not know, and its set values start the Worker", () => {
    const known = new Set([...fieldNames.values(), ...OTHER_VARIABLES.map((v) => v.name)]);
    for (const name of entries.keys()) {
      expect(known.has(name) || readByTheExample(example).includes(name), `${name} is not a variable`).toBe(true);
    }
    const text = read(`examples/${example}/.dev.vars.example`);
    const set = Object.fromEntries([...text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    expect(Object.keys(set)).toEqual(required);
    expect(() => configFromEnv(set, { required: Object.fromEntries(required.map((n) => [n, "x"])) })).not.toThrow();
  });

  it("the README says to copy it", () => {
    expect(read(`examples/${example}/README.md`)).toContain("cp .dev.vars.example .dev.vars");
  });
});
