// `npm start`: the Node gateway configured from the environment (see README).
import { readConfig } from "./config.js";
import { runGateway } from "./run.js";

await runGateway(readConfig());
