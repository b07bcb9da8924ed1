// Runs the chaos soak as a child process, for the short soaks in `npm test`.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("../soak.mjs", import.meta.url));

export async function runSoak({ runtime, seconds, clients = 200 }) {
  const out = join(mkdtempSync(join(tmpdir(), "keyhive-soak-report-")), "report.json");
  const child = spawn(
    process.execPath,
    [script, "--runtime", runtime, "--seconds", String(seconds), "--clients", String(clients), "--out", out],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (d) => {
    output += String(d);
  });
  child.stderr.on("data", (d) => {
    output += String(d);
  });
  const status = await new Promise((resolve) => child.on("close", resolve));
  let report;
  try {
    report = JSON.parse(readFileSync(out, "utf8"));
  } catch {}
  return { status, report, output };
}
