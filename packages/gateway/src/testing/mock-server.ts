/**
 * A tiny real HTTP server on 127.0.0.1 for provider mocks: real sockets, real chunked
 * transfer, so streaming and disconnects behave as they do against the real upstreams.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface MockServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

export type MockHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>;

/** A request as a mock received it. */
export interface RecordedRequest {
  method: string;
  /** Pathname and search. */
  path: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
  /** The key the request carried, however the vendor sends it. */
  key?: string;
}

/** What a vendor mock keeps of its traffic, for tests to assert on. */
export interface RequestLog<R extends RecordedRequest = RecordedRequest> {
  requests: R[];
  /** Requests per key received. */
  requestsByKey: Map<string, number>;
}

/** Appends `request` to the log and counts it against its key. */
export function recordRequest<R extends RecordedRequest>(log: RequestLog<R>, request: R): void {
  log.requests.push(request);
  if (request.key) log.requestsByKey.set(request.key, (log.requestsByKey.get(request.key) ?? 0) + 1);
}

/** The token of `Authorization: Bearer <token>`, if the request has one. */
export function bearerToken(req: IncomingMessage): string | undefined {
  return /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
}

export async function startMockServer(handler: MockHandler): Promise<MockServer> {
  const sockets = new Set<import("node:net").Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      Promise.resolve(handler(req, res, Buffer.concat(chunks))).catch((error) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: String(error), type: "server_error" } }));
      });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
