/**
 * One example Worker's deployed bundle in workerd with the bindings of its wrangler.toml, for the
 * short suites that need a particular start (no client tokens, no D1 migrations). Its stderr is
 * kept, so a suite can count what the Worker logged.
 */
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { bundleWorker } from "./worker.case.js";

export interface StartedWorker {
  mf: Miniflare;
  call(path: string, init?: RequestInit): Promise<Response>;
  /** What workerd wrote to stderr so far (the Worker's console.error). */
  stderr(): string;
  close(): Promise<void>;
}

export async function startWorker(dir: string, bindings: Record<string, string>): Promise<StartedWorker> {
  const bundle = await bundleWorker(dir);
  const { workerOptions: toml } = unstable_getMiniflareWorkerOptions(join(dir, "wrangler.toml"));
  let stderr = "";
  const mf = new Miniflare({
    modules: true,
    scriptPath: bundle.path,
    modulesRoot: dirname(bundle.path),
    compatibilityDate: toml.compatibilityDate,
    kvNamespaces: toml.kvNamespaces,
    d1Databases: toml.d1Databases,
    bindings,
    handleRuntimeStdio: (out: Readable, err: Readable) => {
      out.resume();
      err.on("data", (chunk: Buffer) => {
        stderr += String(chunk);
      });
    },
  });
  await mf.ready;
  return {
    mf,
    call: async (path, init = {}) =>
      (await mf.dispatchFetch(`http://gateway.local${path}`, init as never)) as unknown as Response,
    stderr: () => stderr,
    close: async () => {
      await mf.dispose();
      rmSync(dirname(bundle.path), { recursive: true, force: true });
    },
  };
}
