/**
 * Serves a gateway with Bun's own HTTP server: the re-check timer, the listening line and
 * first-start secrets, and on SIGTERM or SIGINT a graceful stop — `stop(false)` stops listening,
 * closes idle keep-alive connections and resolves once the active ones are done; after
 * `drainMs`, `stop(true)` cuts what is left; then the state is flushed and the process exits 0.
 * A second signal exits 1 at once.
 */
import type { BootstrapResult, Gateway } from "@keyhive/gateway";

declare const Bun: {
  serve(options: {
    port: number;
    hostname: string;
    idleTimeout?: number;
    /** Bun passes its server as the second argument: the gateway reads `server.requestIP()`. */
    fetch: (r: Request, server: unknown) => Response | Promise<Response>;
  }): {
    port: number;
    /** Requests in flight. */
    pendingRequests: number;
    /** Stops listening; `true` also cuts active connections. Resolves when none is left. */
    stop(closeActiveConnections?: boolean): Promise<void>;
  };
};

export interface BunServeOptions {
  port: number;
  hostname: string;
  /** How often due keys are re-checked (ms); 0 turns the timer off. */
  recheckIntervalMs: number;
  /** How long in-flight requests and streams may finish after SIGTERM/SIGINT (ms). */
  drainMs: number;
}

export function serveWithBun(gateway: Gateway, secrets: BootstrapResult, options: BunServeOptions): void {
  const { recheckIntervalMs: recheckMs, drainMs, hostname } = options;
  // Invalid and exhausted keys come back when a re-check passes.
  const recheck =
    recheckMs > 0 ? setInterval(() => gateway.recheck().catch(console.error), recheckMs).unref() : undefined;
  // Other instances' changes arrive with no traffic (a timer, plus Redis pub/sub on Redis).
  const stopSync = gateway.startBackgroundSync();
  // idleTimeout 0: long model answers may stream slowly; Bun's default would cut them at 10 s.
  const server = Bun.serve({ port: options.port, hostname, idleTimeout: 0, fetch: gateway.app.fetch });
  console.log(`Keyhive gateway (Bun) listening on http://${hostname}:${server.port}; admin UI at /admin`);
  if (secrets.adminPassword) console.log(`  admin password: ${secrets.adminPassword}  (shown once)`);
  if (secrets.clientToken) console.log(`  client token:   ${secrets.clientToken}  (shown once)`);

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      console.log(`${signal} again: exiting without waiting (status 1)`);
      process.exit(1);
    }
    stopping = true;
    clearInterval(recheck);
    stopSync();
    const started = Date.now();
    console.log(`Shutting down: ${server.pendingRequests} request(s) in flight, draining for up to ${drainMs} ms`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const overtime = new Promise<"overtime">((resolve) => {
      timer = setTimeout(() => resolve("overtime"), drainMs);
    });
    const outcome = await Promise.race([server.stop(false).then(() => "drained" as const), overtime]);
    clearTimeout(timer);
    const cut = outcome === "overtime" ? server.pendingRequests : 0;
    if (outcome === "overtime") await server.stop(true);
    const ms = Date.now() - started;
    console.log(
      cut > 0 ? `Drain time over after ${ms} ms: cut ${cut} request(s)` : `Drained in ${ms} ms, no request cut`,
    );
    await gateway.flush();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}
