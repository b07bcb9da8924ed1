/**
 * The variable table cannot drift: docs/configuration.md carries exactly the generated table, and
 * every `KEYHIVE_*` name the examples, READMEs and docs mention is one the table defines.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { configurationTable, withConfigurationTable } from "./markdown.js";
import { CONFIG_VARIABLES, OTHER_VARIABLES } from "./variables.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const page = () => readFileSync(join(root, "docs/configuration.md"), "utf8");

/** Files under `dir` whose name passes `keep`, skipping dependencies and builds. */
function files(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path, keep);
    return keep(name) ? [path] : [];
  });
}

describe("docs/configuration.md", () => {
  it("holds the table generated from the variables (else: node scripts/config-docs.mjs)", () => {
    expect(withConfigurationTable(page())).toBe(page());
    expect(page()).toContain(configurationTable());
  });
  it("documents every variable", () => {
    for (const { name } of [...Object.values(CONFIG_VARIABLES), ...OTHER_VARIABLES]) {
      expect(page()).toContain(`| \`${name}\` |`);
    }
  });
});

describe("every KEYHIVE_* name in the examples, READMEs and docs", () => {
  const known = new Set([...Object.values(CONFIG_VARIABLES), ...OTHER_VARIABLES].map((v) => v.name));
  const sources = [
    ...files(join(root, "examples"), (name) => /\.(ts|md|toml)$/.test(name)),
    // configuration.md itself shows a mistyped name on purpose; its table is checked above.
    ...files(join(root, "docs"), (name) => name.endsWith(".md") && name !== "configuration.md"),
    ...files(join(root, "packages"), (name) => name === "README.md"),
    join(root, "README.md"),
  ];

  // Mistyped on purpose by the examples' tests of the unknown-name refusal; nowhere else.
  const deliberateTypos = new Set(["KEYHIVE_ENCRYPTON_KEY", "KEYHIVE_RECHECK_INTERVAL"]);

  it("is in the variable table", () => {
    expect(sources.length).toBeGreaterThan(20);
    const unknown: string[] = [];
    for (const path of sources) {
      for (const [name] of readFileSync(path, "utf8").matchAll(/\bKEYHIVE_[A-Z0-9_]*[A-Z0-9]\b/g)) {
        if (known.has(name) || (path.endsWith(".test.ts") && deliberateTypos.has(name))) continue;
        unknown.push(`${name} in ${relative(root, path)}`);
      }
    }
    expect(unknown).toEqual([]);
  });
});
