#!/usr/bin/env node
/**
 * `npm run release`: the whole release a maintainer runs from a clean `main` —
 *   1. `changeset version`: bumps every package with pending changesets and writes its CHANGELOG.md
 *      (each package ships that file, so the registry page shows it);
 *   2. `npm install` to refresh the lockfile with the new versions, then `turbo run build`;
 *   3. `changeset publish`: `npm publish` for each new version, and a git tag per package.
 *
 * `npm run release -- --dry-run` does the same in a throwaway copy of the workspace manifests,
 * changesets and built packages, so nothing here changes: it prints each package's new version and
 * changelog entry, then runs `npm publish --dry-run` for each (what would be uploaded). CI runs it
 * (packages/integration-tests/src/release/). `--skip-build` reuses the `dist/` already built;
 * `--assume-patch` (dry run only) adds a patch changeset for every package in the copy, so the flow
 * can be rehearsed right after a release, when no changeset is pending.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const args = new Set(process.argv.slice(2));
const dryRun = args.has("--dry-run");
const bin = (name) => join(root, "node_modules/.bin", name);
const sh = (cwd, command, commandArgs) => execFileSync(command, commandArgs, { cwd, stdio: "inherit" });

const workspaceFolders = () =>
  ["packages", "examples"].flatMap((group) =>
    readdirSync(join(root, group))
      .map((name) => join(group, name))
      .filter((folder) => existsSync(join(root, folder, "package.json"))),
  );
const manifest = (dir, folder) => JSON.parse(readFileSync(join(dir, folder, "package.json"), "utf8"));
const published = (dir) => workspaceFolders().filter((folder) => !manifest(dir, folder).private);

const assumePatch = dryRun && args.has("--assume-patch");
if (
  !assumePatch &&
  readdirSync(join(root, ".changeset")).filter((f) => f.endsWith(".md") && f !== "README.md").length === 0
) {
  console.error(
    "release: no pending changesets in .changeset/ — nothing to release (add one with `npm run changeset`).",
  );
  process.exit(1);
}
// The registry page links to the code and the issue tracker only through these fields.
const unlinked = published(root).filter((folder) => {
  const { repository, homepage, bugs } = manifest(root, folder);
  return !repository || !homepage || !bugs;
});
if (unlinked.length > 0) {
  const message = `release: set "repository", "homepage" and "bugs" in ${unlinked.join(", ")} (the public repository's URLs)`;
  if (!dryRun) {
    console.error(`${message} before publishing.`);
    process.exit(1);
  }
  console.warn(`${message}; a real release refuses until then.`);
}
if (!args.has("--skip-build")) sh(root, bin("turbo"), ["run", "build", "--output-logs=errors-only"]);

if (!dryRun) {
  sh(root, bin("changeset"), ["version"]);
  sh(root, "npm", ["install", "--no-audit", "--no-fund"]);
  sh(root, bin("turbo"), ["run", "build", "--output-logs=errors-only"]);
  sh(root, bin("changeset"), ["publish"]);
  console.log("release: published; push the version commit and tags (`git push --follow-tags`).");
  process.exit(0);
}

// Dry run: the copy holds what `changeset version` reads and `npm publish` packs, nothing else.
const copy = mkdtempSync(join(tmpdir(), "keyhive-release-"));
for (const file of ["package.json", ".changeset"]) cpSync(join(root, file), join(copy, file), { recursive: true });
for (const folder of workspaceFolders()) {
  cpSync(join(root, folder), join(copy, folder), {
    recursive: true,
    filter: (source) => !source.includes("/node_modules") && !source.includes("/.turbo"),
  });
}
if (assumePatch) {
  const bumps = published(copy).map((folder) => `"${manifest(copy, folder).name}": patch`);
  writeFileSync(join(copy, ".changeset/dry-run-patch.md"), `---\n${bumps.join("\n")}\n---\n\nRelease rehearsal.\n`);
}
const before = new Map(published(copy).map((folder) => [folder, manifest(copy, folder).version]));
sh(copy, bin("changeset"), ["version"]);
for (const folder of published(copy)) {
  const { name, version } = manifest(copy, folder);
  const changelog = readFileSync(join(copy, folder, "CHANGELOG.md"), "utf8");
  const entry = changelog.split(/\n(?=## )/)[1] ?? "(no entry)";
  console.log(`\nrelease: ${name} ${before.get(folder)} → ${version}\n${entry.trim()}\n`);
  sh(join(copy, folder), "npm", ["publish", "--dry-run", "--ignore-scripts"]);
}
console.log(`\nrelease: dry run done in ${copy}; nothing was published and this workspace is unchanged.`);
