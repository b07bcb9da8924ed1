/** Runs a command for the consumer checks, failing with everything it printed. */
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../../..");

/** A workspace tool's bin (tsc, wrangler, publint, attw): the consumer project does not install them. */
export function workspaceBin(name: string): string {
  return join(REPO_ROOT, "node_modules/.bin", name);
}

export const resolveFromTests = createRequire(import.meta.url).resolve;

export interface RunOptions {
  cwd: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export function run(command: string, args: string[], options: RunOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        // Only the variables npm and node need: the workspace's npm_* settings must not leak in.
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", CI: "true", NO_COLOR: "1", ...options.env },
        timeout: options.timeoutMs ?? 240_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${command} ${args.join(" ")} failed in ${options.cwd}:\n${stdout}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}
