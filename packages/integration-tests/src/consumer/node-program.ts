/** The README's Node program in a consumer project: type-checked, built with tsc and run. */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConsumerProject } from "./consumer-project.js";
import { buildYourOwnProgram, readmePrograms } from "./readme-snippets.js";
import { run, workspaceBin } from "./run.js";

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    skipLibCheck: true,
    rootDir: "src",
    outDir: "dist",
    types: ["node"],
  },
  include: ["src"],
};

/** Writes the README's server.ts and docs/build-your-own.md's compose.ts, then builds both with tsc. */
export async function buildNodePrograms(project: ConsumerProject): Promise<void> {
  const server = readmePrograms().get("server.ts");
  if (!server) throw new Error("README has no consumer-check server.ts block");
  project.write("tsconfig.json", JSON.stringify(TSCONFIG, null, 2));
  project.write("src/server.ts", server);
  project.write("src/compose.ts", buildYourOwnProgram());
  await run(workspaceBin("tsc"), ["-p", "tsconfig.json"], { cwd: project.dir });
}

export interface RunningServer {
  url: string;
  stop(): void;
}

/** Starts dist/server.js and waits for its "listening on" line. */
export async function startNodeServer(project: ConsumerProject, env: Record<string, string>): Promise<RunningServer> {
  const child: ChildProcess = spawn(process.execPath, ["dist/server.js"], {
    cwd: project.dir,
    env: {
      PATH: process.env.PATH ?? "",
      PORT: "0",
      KEYHIVE_DATA_DIR: mkdtempSync(join(tmpdir(), "keyhive-consumer-data-")),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += String(d);
  });
  child.stderr?.on("data", (d) => {
    out += String(d);
  });
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
    const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
    if (url) return { url, stop: () => child.kill("SIGTERM") };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill("SIGKILL");
  throw new Error(`dist/server.js did not start:\n${out}`);
}
