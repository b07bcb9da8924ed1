/**
 * Keyhive on Node with Redis storage: run as many instances as you like on one Redis; they share
 * keys, tokens and settings, and each sees the others' changes within the refresh interval.
 * The Node example's server on `REDIS_URL` (docs/configuration.md), with the admin password required.
 */
import { readConfig } from "@keyhive/example-node/config";
import { runGateway } from "@keyhive/example-node/run";

try {
  // Every instance needs the same secrets: configure them, do not let each generate its own.
  const config = readConfig(process.env, {
    required: { KEYHIVE_ADMIN_PASSWORD: "every instance on the same Redis must share it" },
  });
  await runGateway({ ...config, storage: config.redisURL });
} catch (error) {
  // A refused configuration (a weak KEYHIVE_ADMIN_PASSWORD, a bad KEYHIVE_TRUST_PROXY): say why, exit 1.
  console.error(`keyhive: ${(error as Error).message}`);
  process.exit(1);
}
