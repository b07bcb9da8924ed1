#!/usr/bin/env node
// Writes the generated table of docs/configuration.md from the gateway's variable table
// (packages/gateway/src/config/variables.ts), read from source through esbuild: no build needed.
// `--check` only reports a stale page (exit 1); the gateway's config-docs.test.ts checks the same.
import { readFileSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const source = new URL("../packages/gateway/src/config/markdown.ts", import.meta.url);
const bundled = await build({ entryPoints: [source.pathname], bundle: true, format: "esm", write: false });
const { withConfigurationTable } = await import(
  `data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString("base64")}`
);

const path = new URL("../docs/configuration.md", import.meta.url);
const page = readFileSync(path, "utf8");
const next = withConfigurationTable(page);
if (process.argv.includes("--check")) {
  if (next !== page) {
    console.error("docs/configuration.md is stale: run node scripts/config-docs.mjs");
    process.exit(1);
  }
  console.log("docs/configuration.md is up to date");
} else {
  writeFileSync(path, next);
  console.log(next === page ? "docs/configuration.md: already up to date" : "docs/configuration.md: table regenerated");
}
