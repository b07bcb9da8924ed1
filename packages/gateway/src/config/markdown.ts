/**
 * The generated part of docs/configuration.md: the variable table as Markdown. Written by
 * `node scripts/config-docs.mjs`; `config-docs.test.ts` fails when the checked-in page differs.
 */
import { baseURLVariable, CONFIG_VARIABLES, OTHER_VARIABLES } from "./variables.js";

export const GENERATED_BEGIN =
  "<!-- BEGIN GENERATED: node scripts/config-docs.mjs (from packages/gateway/src/config/variables.ts) -->";
export const GENERATED_END = "<!-- END GENERATED -->";

const cell = (text: string) => text.replace(/\|/g, "\\|");

export function configurationTable(): string {
  const baseURL = baseURLVariable("<provider id>");
  const rows = [
    ...Object.values(CONFIG_VARIABLES),
    { ...baseURL, name: "<PROVIDER_ID>_BASE_URL", defaultText: "the provider's own" },
  ].map((v) => `| \`${v.name}\` | ${cell(v.type)} | ${cell(v.defaultText ?? "none")} | ${cell(v.description)} |`);
  const others = OTHER_VARIABLES.map((v) => `| \`${v.name}\` | ${cell(v.kind)} | ${cell(v.description)} |`);
  return [
    GENERATED_BEGIN,
    "",
    "| variable | type | default | meaning |",
    "|---|---|---|---|",
    ...rows,
    "",
    "Recognised, but read elsewhere (`configFromEnv` accepts them and ignores them):",
    "",
    "| name | kind | meaning |",
    "|---|---|---|",
    ...others,
    "",
    GENERATED_END,
  ].join("\n");
}

/** `page` with its generated section replaced by the current table; throws if it has no markers. */
export function withConfigurationTable(page: string): string {
  const begin = page.indexOf(GENERATED_BEGIN);
  const end = page.indexOf(GENERATED_END);
  if (begin < 0 || end < begin) throw new Error("docs/configuration.md lost its GENERATED markers.");
  return page.slice(0, begin) + configurationTable() + page.slice(end + GENERATED_END.length);
}
