/**
 * What one attempt with one key came to. `attempt()` (attempt.ts) returns it; the attempt loop
 * (attempt-loop.ts) is the one place that decides, from it, to retry, fail over or finish.
 */
import type { ChunkSource } from "../runtime/chunk-source.js";
import type { GatewayError } from "../spec/errors.js";
import type { FailureClass } from "../spec/provider.js";
import type { AttemptSignal } from "./attempt-signal.js";

export type AttemptResult =
  /** A usable answer, up to its first byte. */
  | { kind: "success"; answer: Answer }
  /** The upstream refused the request itself (`client_error`): its own answer is the most precise error there is. */
  | { kind: "refused"; response: Response }
  /** The key or the upstream failed; `error` is what the client gets should this be the last attempt. */
  | { kind: "failure"; failure: FailureClass; error: GatewayError; status?: number }
  /**
   * Something threw before the first byte: the connection, a timeout, a body that broke.
   * `resendable`: the request itself failed without the attempt being aborted (most often a
   * reused keep-alive socket the upstream had just closed), so it may go again.
   */
  | { kind: "network"; message: string; resendable: boolean };

/** A usable answer: what `respond` turns into the client's response. */
export type Answer =
  /** Read whole (a small answer): no byte of it can fail any more. */
  | { kind: "whole"; status: number; headers: Headers; bytes: Uint8Array }
  /** No body at all. */
  | { kind: "bodiless"; status: number; headers: Headers }
  /** Streamed on from `first`; the attempt's signal stays live until the stream ends. */
  | {
      kind: "stream";
      status: number;
      headers: Headers;
      sse: boolean;
      source: ChunkSource;
      first: Uint8Array | undefined;
      signal: AttemptSignal;
    };
