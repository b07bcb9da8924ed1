/**
 * An adversarial HTTP/1.1 upstream on raw TCP. The friendly mocks (built on `startMockServer`,
 * like `startMockOpenAI`) mostly answer with `Content-Length` and plain JSON; real upstreams and
 * the CDNs in front of them also chunk, close-delimit, compress unasked, split bytes across TCP
 * reads, stall and reset. This server is written on `node:net` rather than `node:http` so that
 * every one of those shapes is under the test's control, one answer at a time.
 */
import { type AddressInfo, createServer, type Socket } from "node:net";
import { resetSocket, writeAnswer } from "./wire-answer.js";
import { ConnectionReader, readRequest } from "./wire-request.js";
import type { WireAnswer, WireRequest, WireRoute } from "./wire-types.js";

export { type WireRateLimitOptions, type WireSseOptions, wire } from "./wire-shapes.js";
export type { WireAnswer, WireEncoding, WireFraming, WireRequest, WireRoute } from "./wire-types.js";

export interface AdversarialUpstreamOptions {
  /**
   * Chooses each answer; replaceable later with `setRoute`. Vendor-shaped routes live in the
   * provider packages, e.g. `openAIChaosRoute` in `@keyhive/provider-openai/testing`.
   * @default `noRoute`: every request answered 404
   */
  route?: WireRoute;
  /**
   * Act as a server that closed an idle keep-alive socket just as the client reused it: the first
   * byte of any request after the first on a connection is answered by an RST. Such requests are
   * counted in `staleSocketResets`, never routed nor recorded. @default false
   */
  resetReusedSockets?: boolean;
  /** Close (FIN) connections idle this long between requests. @default never */
  idleSocketTimeoutMs?: number;
}

export interface AdversarialUpstream {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `url + "/v1"` */
  baseURL: string;
  /** Every routed request, in arrival order. */
  requests: WireRequest[];
  /** Connections currently open (for leak checks). */
  openConnections(): number;
  /** Requests refused by `resetReusedSockets`. */
  readonly staleSocketResets: number;
  setRoute(route: WireRoute): void;
  /** Clears `requests` and counters. */
  reset(): void;
  /** Destroys all sockets and stops listening. */
  close(): Promise<void>;
}

/** The route of an upstream that was given none: a plain 404 naming the request. */
export const noRoute: WireRoute = (request) => ({
  status: 404,
  body: JSON.stringify({ error: { message: `No route for ${request.method} ${request.path}`, type: "not_found" } }),
});

/** Starts the server on 127.0.0.1 on a free port. */
export async function startAdversarialUpstream(options: AdversarialUpstreamOptions = {}): Promise<AdversarialUpstream> {
  const sockets = new Set<Socket>();
  const requests: WireRequest[] = [];
  let route = options.route ?? noRoute;
  let staleSocketResets = 0;

  // allowHalfOpen: a client that half-closes after sending its request still gets its answer.
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    serveConnection(socket, {
      route: (request) => route(request),
      record: (request) => requests.push(request),
      staleReset: () => staleSocketResets++,
      resetReusedSockets: options.resetReusedSockets === true,
      idleMs: options.idleSocketTimeoutMs,
    }).catch(() => resetSocket(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    requests,
    openConnections: () => sockets.size,
    get staleSocketResets() {
      return staleSocketResets;
    },
    setRoute(next) {
      route = next;
    },
    reset() {
      requests.length = 0;
      staleSocketResets = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface ConnectionContext {
  route: WireRoute;
  record(request: WireRequest): void;
  staleReset(): void;
  resetReusedSockets: boolean;
  idleMs: number | undefined;
}

/** Serves requests on one connection, one after the other, until either side closes it. */
async function serveConnection(socket: Socket, context: ConnectionContext): Promise<void> {
  // Small writes must leave as their own segments, not wait for an ACK (Nagle).
  socket.setNoDelay(true);
  // Clients reset connections on purpose; an unhandled 'error' would crash the test run.
  socket.on("error", () => {});
  const reader = new ConnectionReader(socket);
  for (let index = 0; ; index++) {
    // A real server closes the whole socket when idle; data arriving later meets a kernel RST.
    const idle = context.idleMs === undefined ? undefined : setTimeout(() => socket.destroy(), context.idleMs);
    const more = await reader.waitForData();
    clearTimeout(idle);
    if (!more) return void socket.end();
    if (context.resetReusedSockets && index > 0) {
      context.staleReset();
      resetSocket(socket);
      return;
    }
    const request = await readRequest(reader, index, socket);
    if (request === undefined) return void socket.destroy();
    if (typeof request === "number") {
      await writeAnswer(socket, undefined, { status: request, closeAfter: true });
      return;
    }
    context.record(request);
    let answer: WireAnswer;
    try {
      answer = await context.route(request);
    } catch (error) {
      answer = { status: 500, body: JSON.stringify({ error: { message: String(error), type: "server_error" } }) };
    }
    // A peer that half-closed after its request gets the answer, then FIN at the next turn.
    if (!(await writeAnswer(socket, request, answer))) return;
  }
}
