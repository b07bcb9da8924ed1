/** Bundles a fixture entry with the built workspace packages, the way a user's bundler would. */
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export async function bundleFixture(entry: string, platform: "neutral" | "node"): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(`./fixtures/${entry}`, import.meta.url))],
    bundle: true,
    format: "esm",
    platform,
    target: "es2022",
    write: false,
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "import"],
    // No `nodejs_compat` in the workerd test: a Node built-in in a bundled package fails it.
    logLevel: "silent",
  });
  return result.outputFiles[0]?.text ?? "";
}
