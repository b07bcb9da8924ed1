/** Configuration from the environment, parsed strictly: a typo fails loudly at start. */
export interface NodeConfig {
  port: number;
  host: string;
  dataDir: string;
  adminPassword?: string;
  clientTokens: string[];
  baseURLs: Record<string, string | undefined>;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const port = Number(env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got '${env.PORT}'.`);
  return {
    port,
    host: env.HOST ?? "127.0.0.1",
    dataDir: env.KEYHIVE_DATA_DIR ?? `${process.cwd()}/.keyhive-data`,
    adminPassword: env.KEYHIVE_ADMIN_PASSWORD || undefined,
    clientTokens: (env.KEYHIVE_CLIENT_TOKENS ?? "")
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean),
    baseURLs: {
      openai: env.OPENAI_BASE_URL || undefined,
      siliconflow: env.SILICONFLOW_BASE_URL || undefined,
      gemini: env.GEMINI_BASE_URL || undefined,
    },
  };
}
