/**
 * The root README's "Use it in your own project" section, read as the consumer checks use it:
 * the install line per runtime and the programs marked `<!-- consumer-check: <path> -->`. The
 * checks run what the README shows, so a README edit that breaks a newcomer breaks CI.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./run.js";

const readme = () => readFileSync(join(REPO_ROOT, "README.md"), "utf8");
/** Package READMEs whose marked blocks are type-checked too. */
const PACKAGE_READMES = ["packages/storage/README.md"];

/** Each marked block's path in the consumer project → its text (root README, then packages'). */
export function readmePrograms(): Map<string, string> {
  const programs = new Map<string, string>();
  const texts = [readme(), ...PACKAGE_READMES.map((path) => readFileSync(join(REPO_ROOT, path), "utf8"))];
  for (const match of texts.join("\n").matchAll(/<!-- consumer-check: (\S+) -->\n```\w+\n([\s\S]*?)```/g)) {
    programs.set(match[1] as string, match[2] as string);
  }
  return programs;
}

/** The packages of the README's install command for a runtime (`Node`, `Bun`, `Cloudflare Workers`). */
export function installLine(runtime: string): string[] {
  const row = readme()
    .split("\n")
    .find((line) => line.startsWith(`| ${runtime} `));
  const command = row && /`(?:npm i|bun add) ([^`]+)`/.exec(row)?.[1];
  if (!command) throw new Error(`README has no install line for ${runtime}`);
  return command.split(/\s+/);
}

/** docs/build-your-own.md's program: the first ts block. */
export function buildYourOwnProgram(): string {
  const doc = readFileSync(join(REPO_ROOT, "docs/build-your-own.md"), "utf8");
  const program = /```ts\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!program) throw new Error("docs/build-your-own.md has no ts block");
  return program;
}
