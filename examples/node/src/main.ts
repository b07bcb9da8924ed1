// `npm start`: the Node gateway configured from the environment (see README).
import { readConfig } from "./config.js";
import { runGateway } from "./run.js";

try {
  await runGateway(readConfig());
} catch (error) {
  // A refused configuration (a weak KEYHIVE_ADMIN_PASSWORD, a bad KEYHIVE_TRUST_PROXY): say why, exit 1.
  console.error(`keyhive: ${(error as Error).message}`);
  process.exit(1);
}
