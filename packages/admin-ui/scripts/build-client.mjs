// vite build → embed-assets: the client part of the build, shared by build, test and typecheck.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const cwd = fileURLToPath(new URL("..", import.meta.url));
// `--if-missing`: the type check only needs the generated module to exist, not to be fresh.
if (process.argv.includes("--if-missing") && existsSync(join(cwd, "src/generated/assets.ts"))) process.exit(0);
const vite = join(dirname(createRequire(import.meta.url).resolve("vite/package.json")), "bin/vite.js");
const run = (args) => execFileSync(process.execPath, args, { cwd, stdio: "inherit" });
run([vite, "build", "--logLevel", "warn"]);
run(["scripts/embed-assets.mjs"]);
