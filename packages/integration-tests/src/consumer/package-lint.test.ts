/**
 * Each published package as npm would upload it: publint (the manifest, exports and files) and
 * Are-The-Types-Wrong (every subpath's types resolve for Node's ESM and for bundlers). The
 * packages are ESM-only, so attw's CommonJS resolutions are out of scope (`--profile esm-only`).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type PackedPackage, PUBLISHED, packPublished } from "./pack.js";
import { REPO_ROOT, run, workspaceBin } from "./run.js";

let packed: Map<string, PackedPackage>;
beforeAll(async () => {
  packed = await packPublished(mkdtempSync(join(tmpdir(), "keyhive-lint-tarballs-")));
}, 120_000);

const tarballOf = (folder: string) => {
  const found = [...packed.values()].find((p) => p.folder === folder);
  if (!found) throw new Error(`${folder} was not packed`);
  return found;
};

describe.each(PUBLISHED)("packages/%s", (folder) => {
  it("passes publint --strict", async () => {
    const out = await run(workspaceBin("publint"), ["run", tarballOf(folder).tarball, "--strict"], { cwd: REPO_ROOT });
    expect(out).toContain("All good!");
  }, 60_000);

  it("passes Are-The-Types-Wrong for ESM and bundlers", async () => {
    const { tarball, manifest } = tarballOf(folder);
    // A non-JavaScript export (the D1 migration SQL) has no types to resolve.
    const exportsOf = Object.keys((manifest as { exports?: Record<string, unknown> }).exports ?? {});
    const assets = exportsOf.filter((path) => /\.(sql|css|json)$/.test(path)).map((path) => path.slice(2));
    const exclude = assets.length > 0 ? ["--exclude-entrypoints", ...assets] : [];
    await run(workspaceBin("attw"), [tarball, "--profile", "esm-only", "--format", "ascii", ...exclude], {
      cwd: REPO_ROOT,
    });
  }, 60_000);

  it("ships its LICENSE and CHANGELOG, and names its license", async () => {
    const { tarball, manifest } = tarballOf(folder);
    const listing = await run("tar", ["-tzf", tarball], { cwd: REPO_ROOT });
    expect(listing).toContain("package/LICENSE");
    expect(listing).toContain("package/CHANGELOG.md");
    expect((manifest as { license?: string }).license).toBe("MIT");
  });
});
