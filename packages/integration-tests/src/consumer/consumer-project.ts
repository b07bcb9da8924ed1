/**
 * A fresh project outside the workspace that installs the packed tarballs the way a user installs
 * from npm: the README's install line, with `@keyhive/*` pointing at the tarballs and `hono` at
 * the release under test. Nothing resolves from the monorepo.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { PackedPackage } from "./pack.js";
import { run } from "./run.js";

export interface ConsumerProject {
  dir: string;
  write(path: string, text: string): void;
  /** Every installed copy of a package (`node_modules/**\/<name>/package.json`) → its version. */
  copiesOf(name: string): string[];
}

export async function createConsumerProject(options: {
  packages: string[];
  packed: Map<string, PackedPackage>;
  hono: string;
}): Promise<ConsumerProject> {
  const dir = mkdtempSync(join(tmpdir(), "keyhive-consumer-"));
  const dependencies: Record<string, string> = {};
  for (const name of options.packages) {
    const tarball = options.packed.get(name)?.tarball;
    dependencies[name] = tarball ? `file:${tarball}` : "latest";
  }
  dependencies.hono = options.hono;
  // Also what a TypeScript user has; the compiler itself is the workspace's (same major).
  const devDependencies = { "@types/node": "^20" };
  const manifest = { name: "keyhive-consumer", private: true, type: "module", dependencies, devDependencies };
  const project: ConsumerProject = {
    dir,
    write(path, text) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    },
    copiesOf: (name) => findCopies(join(dir, "node_modules"), name),
  };
  project.write("package.json", `${JSON.stringify(manifest, null, 2)}\n`);
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], { cwd: dir });
  return project;
}

function findCopies(nodeModules: string, name: string): string[] {
  const found: string[] = [];
  const visit = (folder: string, depth: number) => {
    if (depth > 6) return;
    let entries: string[];
    try {
      entries = readdirSync(folder);
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(folder, entry);
      if (entry.startsWith("@")) {
        for (const scoped of readdirSync(path)) visitPackage(join(path, scoped), `${entry}/${scoped}`, depth);
      } else if (!entry.startsWith(".")) visitPackage(path, entry, depth);
    }
  };
  const visitPackage = (path: string, packageName: string, depth: number) => {
    if (packageName === name) {
      try {
        found.push(JSON.parse(readFileSync(join(path, "package.json"), "utf8")).version);
      } catch {}
    }
    visit(join(path, "node_modules"), depth + 1);
  };
  visit(nodeModules, 0);
  return found;
}
