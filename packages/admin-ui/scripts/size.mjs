// Prints the gzip size of the client assets (what a browser downloads): per file, in total, and
// per page (entry + static imports, from Vite's manifest; shared chunks counted once per page).
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = fileURLToPath(new URL("../build/client/", import.meta.url));
const gzip = new Map();
for (const name of (await readdir(join(root, "assets"))).sort()) {
  const body = await readFile(join(root, "assets", name));
  gzip.set(`assets/${name}`, { raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
}
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
const line = (label, raw, gz) =>
  console.log(
    `${label.padEnd(44)} ${raw === undefined ? "".padStart(10) : kb(raw).padStart(10)}  gzip ${kb(gz).padStart(9)}`,
  );
for (const [name, s] of gzip) line(name, s.raw, s.gzip);
const total = [...gzip.values()].reduce((a, s) => ({ raw: a.raw + s.raw, gzip: a.gzip + s.gzip }), { raw: 0, gzip: 0 });
line("total", total.raw, total.gzip);

const manifest = JSON.parse(await readFile(join(root, ".vite/manifest.json"), "utf8"));
/** Files a page needs before it renders: the chunk, its static imports and their CSS. */
function closure(key, seen = new Set()) {
  const chunk = manifest[key];
  if (!chunk || seen.has(chunk.file)) return seen;
  seen.add(chunk.file);
  for (const css of chunk.css ?? []) seen.add(css);
  for (const dep of chunk.imports ?? []) closure(dep, seen);
  return seen;
}
const size = (files) => [...files].reduce((n, f) => n + (gzip.get(f)?.gzip ?? 0), 0);
const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
const lazy = (suffix) => Object.keys(manifest).find((k) => k.endsWith(suffix));
const shell = closure(entry);
const page = (suffix) => closure(lazy(suffix), new Set(shell));
console.log("");
line("public page (/) first load", undefined, size(page("public/public-page.tsx")));
line("admin app first load", undefined, size(page("admin/admin-app.tsx")));
const charts = closure(lazy("components/chart-setup.ts"));
line("+ charts (loaded by the dashboard only)", undefined, size(charts));
