/**
 * Drains a Node HTTP server: stop accepting connections, let in-flight requests and streams end
 * within a time limit, then cut what is left. `RunningGateway.close()` runs this before it
 * flushes the gateway's state.
 */
import type { Server } from "node:http";

export interface DrainOptions {
  /**
   * How long in-flight requests and streams may run before their connections are cut (ms).
   * @default 10000
   */
  drainMs?: number;
  /** How often connections that went idle are closed while draining (ms). @default 100 */
  idleCheckMs?: number;
  /** Where the start and end lines go. @default console.log */
  log?: (line: string) => void;
}

export interface DrainReport {
  /** Connections closed by force when the drain time was over. */
  cut: number;
  elapsedMs: number;
}

export async function drainServer(server: Server, options: DrainOptions = {}): Promise<DrainReport> {
  const { drainMs = 10_000, idleCheckMs = 100, log = console.log } = options;
  const started = Date.now();
  // A request that still arrives on an open socket is answered, then the socket closes.
  server.prependListener("request", (_req, res) => res.setHeader("connection", "close"));
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  log(`Shutting down: ${await connections(server)} connection(s) open, draining for up to ${drainMs} ms`);
  // A keep-alive connection turns idle when its request ends; close it then, not at the limit.
  const idle = setInterval(() => server.closeIdleConnections(), idleCheckMs);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const overtime = new Promise<"overtime">((resolve) => {
    timer = setTimeout(() => resolve("overtime"), drainMs);
  });
  const outcome = await Promise.race([closed.then(() => "drained" as const), overtime]);
  clearInterval(idle);
  clearTimeout(timer);
  let cut = 0;
  if (outcome === "overtime") {
    cut = await connections(server);
    server.closeAllConnections();
    await closed;
  }
  const elapsedMs = Date.now() - started;
  log(
    cut > 0
      ? `Drain time over after ${elapsedMs} ms: cut ${cut} connection(s)`
      : `Drained in ${elapsedMs} ms, no connection cut`,
  );
  return { cut, elapsedMs };
}

function connections(server: Server): Promise<number> {
  return new Promise((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count)));
}
