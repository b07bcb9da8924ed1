#!/usr/bin/env node
/**
 * Writes the generated route reference into ADMIN-API.md (between its markers), from the route
 * descriptions in src/admin/schemas/. Run after changing a route or a schema:
 *   node packages/gateway/scripts/admin-api-doc.mjs
 * `--check` only reports whether the page is current (exit 1 when stale); a test does the same.
 * The TypeScript sources are bundled with esbuild on the fly, so no build is needed first.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const page = join(root, "ADMIN-API.md");
const bundle = join(tmpdir(), `keyhive-admin-reference-${process.pid}.mjs`);

await build({
  entryPoints: [join(root, "src/admin/reference.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  outfile: bundle,
  logLevel: "warning",
});
try {
  const { withGeneratedReference } = await import(pathToFileURL(bundle).href);
  const current = await readFile(page, "utf8");
  const next = withGeneratedReference(current);
  if (process.argv.includes("--check")) {
    if (next !== current) {
      console.error("ADMIN-API.md is stale: run node packages/gateway/scripts/admin-api-doc.mjs");
      process.exitCode = 1;
    }
  } else if (next !== current) {
    await writeFile(page, next);
    console.log("ADMIN-API.md: reference updated");
  } else console.log("ADMIN-API.md: reference already current");
} finally {
  await rm(bundle, { force: true });
}
