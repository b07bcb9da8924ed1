/**
 * Packs every published package into a directory with `npm pack`, exactly what `npm publish`
 * would upload, so the consumer checks install what a user would download.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, run } from "./run.js";

/** The workspace folders under packages/ that are published to npm. */
export const PUBLISHED = [
  "gateway",
  "storage",
  "admin-ui",
  "provider-openai",
  "provider-gemini",
  "provider-siliconflow",
] as const;

export interface PackedPackage {
  name: string;
  folder: string;
  tarball: string;
  manifest: { peerDependencies?: Record<string, string>; files?: string[] };
}

export async function packPublished(destination: string): Promise<Map<string, PackedPackage>> {
  const packed = new Map<string, PackedPackage>();
  for (const folder of PUBLISHED) {
    const cwd = join(REPO_ROOT, "packages", folder);
    const out = await run("npm", ["pack", "--json", "--pack-destination", destination], { cwd });
    const [info] = JSON.parse(out) as { name: string; filename: string }[];
    if (!info) throw new Error(`npm pack printed no package for ${folder}: ${out}`);
    const manifest = JSON.parse(readFileSync(join(cwd, "package.json"), "utf8"));
    packed.set(info.name, { name: info.name, folder, tarball: join(destination, info.filename), manifest });
  }
  return packed;
}

/** The oldest Hono release the gateway's peer range admits (`^4.7.0` → `4.7.0`). */
export function oldestSupportedHono(packed: Map<string, PackedPackage>): string {
  const range = packed.get("@keyhive/gateway")?.manifest.peerDependencies?.hono ?? "";
  const oldest = /^\^(\d+\.\d+\.\d+)$/.exec(range)?.[1];
  if (!oldest) throw new Error(`@keyhive/gateway's hono peer range "${range}" is not a caret range`);
  return oldest;
}
