import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";

/**
 * A throwaway `redis-server` on a free 127.0.0.1 port, without persistence: for storage tests and
 * multi-instance tests that need a real Redis. Fails with a clear message when the binary is missing.
 */
export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

const BIN = process.env.REDIS_SERVER_BIN ?? "redis-server";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startRedis(): Promise<RedisServer> {
  if (spawnSync(BIN, ["--version"]).error)
    throw new Error(
      `redis-server not found (tried "${BIN}"): install it (apt-get install -y redis-server) or set REDIS_SERVER_BIN`,
    );
  const port = await freePort();
  const child: ChildProcess = spawn(
    BIN,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`redis-server exited with ${code}:\n${out}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
