/**
 * `examples/provider-custom` as its README promises: copied out of the repository it installs,
 * type-checks, builds, tests and packs for publishing on its own (only `"private": true` removed,
 * as step 6 says, and `@keyhive/*` pointed at the packed tarballs since this version is not on
 * npm yet); then the packed adapter, installed in a fresh project, runs the README's server.ts.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMockOpenAI } from "@keyhive/provider-openai/testing";
import { beforeAll, expect, it } from "vitest";
import { createConsumerProject } from "./consumer-project.js";
import { compileNodePrograms, startNodeServer } from "./node-program.js";
import { oldestSupportedHono, type PackedPackage, packPublished } from "./pack.js";
import { REPO_ROOT, run } from "./run.js";

const SOURCE = join(REPO_ROOT, "examples/provider-custom");
const readme = readFileSync(join(SOURCE, "README.md"), "utf8");
const copy = join(mkdtempSync(join(tmpdir(), "keyhive-adapter-")), "keyhive-provider-deepseek");
let packed: Map<string, PackedPackage>;

beforeAll(async () => {
  packed = await packPublished(mkdtempSync(join(tmpdir(), "keyhive-adapter-tarballs-")));
  cpSync(SOURCE, copy, { recursive: true, filter: (path) => !/\/(node_modules|dist)(\/|$)/.test(path) });
  const manifest = JSON.parse(readFileSync(join(copy, "package.json"), "utf8"));
  delete manifest.private;
  for (const name of Object.keys(manifest.devDependencies)) {
    const tarball = packed.get(name)?.tarball;
    if (tarball) manifest.devDependencies[name] = `file:${tarball}`;
  }
  writeFileSync(join(copy, "package.json"), JSON.stringify(manifest, null, 2));
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], { cwd: copy });
}, 300_000);

it("type-checks, builds, passes its tests and packs for publishing outside the repository", async () => {
  await run("npm", ["run", "typecheck"], { cwd: copy });
  await run("npm", ["run", "build"], { cwd: copy });
  const tests = await run("npm", ["test"], { cwd: copy, timeoutMs: 120_000 });
  expect(tests).toMatch(/Tests\s+\d+ passed/);
  const publish = await run("bash", ["-c", "npm publish --dry-run --ignore-scripts 2>&1"], { cwd: copy });
  expect(publish).toContain("keyhive-provider-deepseek@0.1.0");
  expect(publish).toMatch(/dist\/index\.js/);
}, 240_000);

it("runs the README's server.ts with the packed adapter in a fresh project", async () => {
  const destination = mkdtempSync(join(tmpdir(), "keyhive-adapter-pack-"));
  const out = await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", destination], {
    cwd: copy,
  });
  const packedAdapter = JSON.parse(out)[0] as { filename: string };
  const install = /`npm i (keyhive-provider-deepseek[^`]+)`/.exec(readme)?.[1]?.split(/\s+/) ?? [];
  expect(install).toContain("@keyhive/gateway");
  const withAdapter = new Map(packed);
  withAdapter.set("keyhive-provider-deepseek", {
    name: "keyhive-provider-deepseek",
    folder: "provider-custom",
    tarball: join(destination, packedAdapter.filename),
    manifest: {},
  });
  const project = await createConsumerProject({
    packed: withAdapter,
    hono: oldestSupportedHono(packed),
    packages: install,
  });
  const server = /<!-- standalone-check: server.ts -->\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(server).toBeTruthy();
  await compileNodePrograms(project, { "server.ts": server as string });

  const key = `sk-${"0123456789abcdef".repeat(2)}`;
  const mock = await startMockOpenAI({ keys: { [key]: "ok" } });
  const gateway = await startNodeServer(project, { DEEPSEEK_BASE_URL: mock.baseURL });
  try {
    const adminPassword = /admin password: (\S+)/.exec(gateway.output())?.[1];
    const clientToken = /client token: (\S+)/.exec(gateway.output())?.[1];
    expect(adminPassword && clientToken, gateway.output()).toBeTruthy();
    const added = await fetch(`${gateway.url}/admin/api/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminPassword}`, "content-type": "application/json" },
      body: JSON.stringify({ provider: "deepseek", keys: key }),
    });
    expect(added.status, await added.clone().text()).toBe(201);
    const answer = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${clientToken}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "deepseek-chat", messages: [{ role: "user", content: "Hi" }] }),
    });
    expect(answer.status, await answer.clone().text()).toBe(200);
    expect(mock.requestsByKey.get(key)).toBe(1);
  } finally {
    gateway.stop();
    await mock.close();
  }
}, 240_000);
