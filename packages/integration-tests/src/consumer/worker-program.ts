/**
 * The README's Worker in a consumer project: type-checked, bundled by `wrangler deploy --dry-run`
 * (what a deploy would upload) and the bundle run in workerd through Miniflare.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import type { ConsumerProject } from "./consumer-project.js";
import { readmePrograms } from "./readme-snippets.js";
import { run, workspaceBin } from "./run.js";

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "ESNext",
    moduleResolution: "Bundler",
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  },
  include: ["src"],
};

/** Type-checks and bundles the Worker; returns the bundle's text. */
export async function bundleWorker(project: ConsumerProject): Promise<string> {
  const programs = readmePrograms();
  const index = programs.get("worker/src/index.ts");
  const wranglerToml = programs.get("worker/wrangler.toml");
  if (!index || !wranglerToml) throw new Error("README lacks the consumer-check Worker blocks");
  project.write("worker/src/index.ts", index);
  project.write("worker/wrangler.toml", wranglerToml);
  project.write("worker/tsconfig.json", JSON.stringify(TSCONFIG, null, 2));
  const cwd = join(project.dir, "worker");
  await run(workspaceBin("tsc"), ["-p", "tsconfig.json"], { cwd });
  await run(workspaceBin("wrangler"), ["deploy", "--dry-run", "--outdir", "bundle"], {
    cwd,
    env: { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", XDG_CONFIG_HOME: cwd },
  });
  return readFileSync(join(cwd, "bundle/index.js"), "utf8");
}

/** Runs the bundle in workerd with a KV namespace and the given string bindings. */
export function runWorkerBundle(project: ConsumerProject, bindings: Record<string, string>): Miniflare {
  return new Miniflare({
    modules: true,
    // The text, not `scriptPath`: workerd would follow the source map's `../node_modules` paths
    // out of the bundle's folder and refuse to start.
    script: readFileSync(join(project.dir, "worker/bundle/index.js"), "utf8"),
    compatibilityDate: "2026-04-01",
    kvNamespaces: ["KEYHIVE_KV"],
    bindings,
  });
}
