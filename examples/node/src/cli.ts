/**
 * `keyhive`: the Node gateway from the command line. Each flag mirrors an environment variable
 * and wins over it; parsing is strict (an unknown flag exits with status 2).
 */
import { parseArgs } from "node:util";
import { readConfig } from "./config.js";
import { runGateway } from "./run.js";

const FLAGS = {
  port: { env: "PORT", help: "listen port (default 8787; 0 picks a free one)" },
  host: { env: "HOST", help: "listen address (default 127.0.0.1; 0.0.0.0 to expose)" },
  "data-dir": { env: "KEYHIVE_DATA_DIR", help: "filesystem storage directory (default ./.keyhive-data)" },
  storage: { env: "KEYHIVE_STORAGE", help: "storage URI: fs:<dir> | redis://host:port/db | memory:" },
  "admin-password": { env: "KEYHIVE_ADMIN_PASSWORD", help: "admin password (generated at first start)" },
  "client-tokens": { env: "KEYHIVE_CLIENT_TOKENS", help: "comma-separated client tokens" },
  "trust-proxy": {
    env: "KEYHIVE_TRUST_PROXY",
    help: "proxies to believe: a hop count or addresses/CIDRs (default none)",
  },
  "public-url": { env: "KEYHIVE_PUBLIC_URL", help: "the gateway's public URL (pins the public page's base URL)" },
  "drain-ms": { env: "KEYHIVE_DRAIN_MS", help: "on SIGTERM/SIGINT, how long requests may finish (default 10000)" },
} as const;

export const USAGE = `Usage: keyhive [options]

Starts the Keyhive gateway on Node (OpenAI, SiliconFlow, Gemini; admin UI at /admin).

Options:
${Object.entries(FLAGS)
  .map(([flag, { env, help }]) => `  --${`${flag} <value>`.padEnd(24)} ${help} [${env}]`)
  .join("\n")}
  --help                     show this help

Upstream overrides come from OPENAI_BASE_URL, SILICONFLOW_BASE_URL and GEMINI_BASE_URL;
KEYHIVE_ENCRYPTION_KEY (environment only, never a flag) encrypts keys at rest.
Every variable: docs/configuration.md.`;

/** Flags as environment overrides; throws on unknown flags, missing values and positionals. */
export function parseFlags(args: string[]): { help: boolean; env: Record<string, string> } {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {
    help: { type: "boolean", short: "h" },
  };
  for (const flag of Object.keys(FLAGS)) options[flag] = { type: "string" };
  const { values } = parseArgs({ args, options, strict: true, allowPositionals: false }) as {
    values: Record<string, string | boolean | undefined>;
  };
  const env: Record<string, string> = {};
  for (const [flag, { env: name }] of Object.entries(FLAGS)) {
    const value = values[flag];
    if (typeof value === "string") env[name] = value;
  }
  return { help: values.help === true, env };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseFlags>;
  let config: ReturnType<typeof readConfig>;
  try {
    parsed = parseFlags(process.argv.slice(2));
    config = readConfig({ ...process.env, ...parsed.env });
  } catch (error) {
    console.error(`keyhive: ${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (parsed.help) {
    console.log(USAGE);
    return;
  }
  try {
    await runGateway(config);
  } catch (error) {
    console.error(`keyhive: ${(error as Error).message}`);
    process.exit(1);
  }
}

await main();
