/**
 * `@keyhive/gateway/testing` and each adapter's `/testing` mocks import without vitest (a user's
 * dev server or script has none); only `@keyhive/gateway/testing/suites` needs it. Checked in a
 * real Node process whose module resolution cannot find vitest.
 */
import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const withoutVitest = ["--import", fixture("without-vitest.mjs")];

describe("the test kit without vitest installed", () => {
  it("starts every vendor's mock and the adversarial upstream, and they answer", async () => {
    const { stdout } = await run(process.execPath, [...withoutVitest, fixture("mocks-program.mjs")], {
      cwd: fileURLToPath(new URL(".", import.meta.url)),
    });
    expect(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}")).toEqual({
      openai: 200,
      siliconflow: 200,
      gemini: true,
    });
  });

  it("while the suites subpath does need it (the hook really hides vitest)", async () => {
    const program = 'await import("@keyhive/gateway/testing/suites")';
    const attempt = run(process.execPath, [...withoutVitest, "--input-type=module", "-e", program], {
      cwd: fileURLToPath(new URL(".", import.meta.url)),
    });
    await expect(attempt).rejects.toThrow(/Cannot find package 'vitest'/);
  });
});

describe("the root README's offline one-liner", () => {
  it("prints a mock base URL that serves /models, with vitest hidden", async () => {
    const readme = readFileSync(fileURLToPath(new URL("../../../README.md", import.meta.url)), "utf8");
    const program = /^node -e '(.+)' &$/m.exec(readme)?.[1];
    expect(program, "the README's `node -e '…' &` line").toBeDefined();
    const child = spawn(process.execPath, [...withoutVitest, "--input-type=module", "-e", program as string], {
      cwd: fileURLToPath(new URL("../../..", import.meta.url)),
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const baseURL = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d) => {
          out += String(d);
          const url = /http:\/\/127\.0\.0\.1:\d+\S*/.exec(out)?.[0];
          if (url) resolve(url);
        });
        child.on("exit", (code) => reject(new Error(`exited ${code} before printing a URL: ${out}`)));
      });
      const models = await fetch(`${baseURL}/models`, { headers: { authorization: "Bearer sk-anything-at-all" } });
      expect(models.status).toBe(200);
    } finally {
      child.kill();
    }
  });
});
