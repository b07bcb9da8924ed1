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

/** Writes `src/<name>` for each program and builds them with tsc (NodeNext, strict) into dist/. */
export async function compileNodePrograms(project: ConsumerProject, programs: Record<string, string>): Promise<void> {
  project.write("tsconfig.json", JSON.stringify(TSCONFIG, null, 2));
  for (const [name, text] of Object.entries(programs)) project.write(`src/${name}`, text);
  await run(workspaceBin("tsc"), ["-p", "tsconfig.json"], { cwd: project.dir });
}

/** The README's server.ts, the storage README's snippet and docs/build-your-own.md's compose.ts, built. */
export async function buildNodePrograms(project: ConsumerProject): Promise<void> {
  const programs = readmePrograms();
  const server = programs.get("server.ts");
  const storage = programs.get("storage-readme.ts");
  if (!server || !storage) throw new Error("README lacks the consumer-check server.ts / storage-readme.ts block");
  await compileNodePrograms(project, {
    "server.ts": server,
    "storage-readme.ts": storage,
    "compose.ts": buildYourOwnProgram(),
  });
}

export interface RunningServer {
  url: string;
  /** Everything it printed so far. */
  output(): string;
  stop(): void;
}

/** Starts dist/server.js (or another built file) and waits for its "listening on" line. */
export async function startNodeServer(
  project: ConsumerProject,
  env: Record<string, string>,
  file = "dist/server.js",
): Promise<RunningServer> {
  const child: ChildProcess = spawn(process.execPath, [file], {
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
    if (url) return { url, output: () => out, stop: () => child.kill("SIGTERM") };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill("SIGKILL");
  throw new Error(`${file} did not start:\n${out}`);
}
