/**
 * Starts the gateway, prints where it listens and first-start secrets, and on SIGTERM or SIGINT
 * closes it gracefully (see `RunningGateway.close`) and exits 0; a second signal exits 1 at once.
 */
import type { NodeConfig } from "./config.js";
import { startNodeGateway } from "./server.js";

export async function runGateway(config: Partial<NodeConfig>): Promise<void> {
  const running = await startNodeGateway(config);
  const { url, secrets } = running;

  console.log(`Keyhive gateway listening on ${url} (storage ${running.storage}); admin UI at ${url}/admin`);
  if (secrets.adminPassword || secrets.clientToken) {
    console.log("\nFirst start: these secrets are shown ONCE; only their hashes are stored.");
    if (secrets.adminPassword) console.log(`  admin password: ${secrets.adminPassword}`);
    if (secrets.clientToken) console.log(`  client token:   ${secrets.clientToken}`);
  }
  const admin = secrets.adminPassword ?? "<admin password>";
  const token = secrets.clientToken ?? "<client token>";
  console.log(`
Add a key:
  curl -s ${url}/admin/api/keys -H 'Authorization: Bearer ${admin}' \\
    -H 'content-type: application/json' -d '{"provider":"openai","keys":"sk-your-key"}'
Chat:
  curl -s ${url}/v1/chat/completions -H 'Authorization: Bearer ${token}' \\
    -H 'content-type: application/json' -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}'
`);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    // A second signal means "now": skip the rest of the drain and the flush.
    if (stopping) {
      console.log(`${signal} again: exiting without waiting (status 1)`);
      process.exit(1);
    }
    stopping = true;
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}
