// Prints the gzip size of the client assets (what a browser downloads), per file and in total.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const dir = fileURLToPath(new URL("../build/client/assets", import.meta.url));
const rows = [];
for (const name of (await readdir(dir)).sort()) {
  const body = await readFile(join(dir, name));
  rows.push({ name, raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
}
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
for (const r of rows) console.log(`${r.name.padEnd(40)} ${kb(r.raw).padStart(10)}  gzip ${kb(r.gzip).padStart(9)}`);
const total = rows.reduce((a, r) => ({ raw: a.raw + r.raw, gzip: a.gzip + r.gzip }), { raw: 0, gzip: 0 });
console.log(`${"total".padEnd(40)} ${kb(total.raw).padStart(10)}  gzip ${kb(total.gzip).padStart(9)}`);

// What each entry actually downloads (shared chunks counted once per page).
const sum = (prefixes) =>
  rows.filter((r) => prefixes.some((p) => r.name.startsWith(p))).reduce((n, r) => n + r.gzip, 0);
const shared = ["index-", "types-"];
console.log(`public page (/) first load               gzip ${kb(sum([...shared, "public-page-"])).padStart(9)}`);
console.log(`admin app first load                     gzip ${kb(sum([...shared, "admin-app-"])).padStart(9)}`);
console.log(`+ charts, loaded by the dashboard only   gzip ${kb(sum(["chart-setup-"])).padStart(9)}`);
