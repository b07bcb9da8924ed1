/** Bundles a fixture entry with the gateway's sources (and its test support), as a user's bundler would. */
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export async function bundleFixture(entry: string, platform: "neutral" | "node"): Promise<string> {
  const result = await build({
    entryPoints: [src(`./fixtures/${entry}`)],
    bundle: true,
    format: "esm",
    platform,
    target: "es2022",
    write: false,
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "import"],
    // No `nodejs_compat` in the workerd test: a Node built-in in the core fails it.
    logLevel: "silent",
  });
  return result.outputFiles[0]?.text ?? "";
}
