/**
 * `npm run release -- --dry-run` (scripts/release.mjs): changesets version every published
 * package and write its changelog, and `npm publish --dry-run` packs each with that changelog —
 * in a throwaway copy, leaving this workspace exactly as it was.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { PUBLISHED } from "../consumer/pack.js";
import { REPO_ROOT, run } from "../consumer/run.js";

const gitStatus = () => run("git", ["status", "--porcelain"], { cwd: REPO_ROOT });
const changesets = () => readdirSync(join(REPO_ROOT, ".changeset")).sort();

it("versions, writes changelogs and packs every published package without touching the workspace", async () => {
  const [statusBefore, changesetsBefore] = [await gitStatus(), changesets()];
  // Right after a release nothing is pending: rehearse with a patch for every package then.
  const pending = changesetsBefore.some((file) => file.endsWith(".md") && file !== "README.md");
  const flags = `--dry-run --skip-build${pending ? "" : " --assume-patch"}`;
  const out = await run("bash", ["-c", `node scripts/release.mjs ${flags} 2>&1`], {
    cwd: REPO_ROOT,
    timeoutMs: 180_000,
  });
  for (const folder of PUBLISHED) {
    const name = `@keyhive/${folder}`;
    const bump = new RegExp(`release: ${name} (\\d+\\.\\d+\\.\\d+) → (\\d+\\.\\d+\\.\\d+)`).exec(out);
    expect(bump, `${name} was not versioned:\n${out.slice(-2000)}`).not.toBeNull();
    expect(bump?.[2]).not.toBe(bump?.[1]);
    // npm's dry-run report for this package lists the changelog it would upload.
    const report = out.slice(out.indexOf(`release: ${name} `));
    expect(report).toMatch(/npm notice [\d.]+k?B CHANGELOG\.md/);
    expect(report).toContain(`npm notice name: ${name}`);
    expect(report).toContain(`npm notice version: ${bump?.[2]}`);
  }
  expect(out).toContain("nothing was published and this workspace is unchanged");
  // Until the packages link to the public repository, a real release refuses (and says why).
  const unlinked = out.includes('set "repository", "homepage" and "bugs"');
  const manifests = PUBLISHED.map((folder) =>
    readFileSync(join(REPO_ROOT, "packages", folder, "package.json"), "utf8"),
  );
  expect(unlinked).toBe(
    manifests.some((text) => !/"repository"/.test(text) || !/"bugs"/.test(text) || !/"homepage"/.test(text)),
  );
  expect(await gitStatus()).toBe(statusBefore);
  expect(changesets()).toEqual(changesetsBefore);
}, 200_000);
