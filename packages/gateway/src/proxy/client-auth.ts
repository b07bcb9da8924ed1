/**
 * Client token authentication against an in-memory table of token hashes. The table is built
 * from configured tokens and the storage's tokens, and refreshed when the storage revision
 * changes — so authenticating a request reads no storage.
 */
import { errors } from "../spec/errors.js";
import type { Storage, TokenRecord } from "../spec/storage.js";
import { sha256Hex } from "../util/crypto.js";

export interface ClientAuthOptions {
  storage: Storage;
  /** Tokens from configuration (e.g. `KEYHIVE_CLIENT_TOKENS`); only their hashes are kept. */
  configuredTokens?: readonly string[];
  /** Headers besides `authorization` a client may send its token in, named when none came. @default ["x-api-key"] */
  keyHeaders?: readonly string[];
  now?: () => number;
}

/** The identity of an authenticated client. */
export interface ClientIdentity {
  tokenId: string;
  record?: TokenRecord;
}

/** The 401 while no client token can authenticate (none configured, none stored or all revoked). */
export const NO_CLIENT_TOKEN =
  "This gateway has no client token yet: an admin creates one in the admin UI (/admin, Tokens) " +
  "or configures KEYHIVE_CLIENT_TOKENS.";

export class ClientAuth {
  private table = new Map<string, ClientIdentity>();
  /**
   * Credentials that authenticated recently → identity, so the hot path does not hash every
   * request (WebCrypto digests are asynchronous and costly). Only valid credentials enter, the
   * size is bounded, and every reload clears it.
   */
  private recent = new Map<string, ClientIdentity>();
  private configured = new Map<string, ClientIdentity>();
  private readonly now: () => number;

  constructor(private readonly options: ClientAuthOptions) {
    this.now = options.now ?? Date.now;
  }

  async load(): Promise<void> {
    this.configured = new Map();
    for (const [index, token] of (this.options.configuredTokens ?? []).entries()) {
      this.configured.set(await sha256Hex(token), { tokenId: `config-${index + 1}` });
    }
    await this.reloadStored();
  }

  /** How many tokens can authenticate (configured + stored, not revoked). */
  get size(): number {
    return this.table.size;
  }

  /** Rebuilds the table from storage (the gateway calls it when the storage revision changes). */
  async reloadStored(): Promise<void> {
    const tokens = await this.options.storage.tokens.list();
    const table = new Map(this.configured);
    for (const record of tokens) if (!record.revokedAt) table.set(record.hash, { tokenId: record.id, record });
    this.table = table;
    this.recent = new Map();
  }

  private remember(credential: string, identity: ClientIdentity): void {
    if (this.recent.size >= 1024) this.recent.clear();
    this.recent.set(credential, identity);
  }

  /**
   * Authenticates a credential. Lookup is by sha256 digest: the secret is never compared
   * character by character, so response time says nothing about how much of it was right.
   */
  async authenticate(credential: string | undefined): Promise<ClientIdentity> {
    // A caller learns only that the gateway is not set up yet: there is no token to guess.
    if (this.table.size === 0) throw errors.unauthorized(NO_CLIENT_TOKEN);
    if (!credential) {
      const others = (this.options.keyHeaders ?? ["x-api-key"]).map((name) => `\`${name}\``).join(" / ");
      throw errors.unauthorized(`Missing client token: send \`Authorization: Bearer <token>\` (or ${others}).`);
    }
    const identity = this.recent.get(credential) ?? this.table.get(await sha256Hex(credential));
    if (!identity) throw errors.unauthorized("Invalid client token.");
    this.remember(credential, identity);
    const expiresAt = identity.record?.expiresAt;
    if (expiresAt !== undefined && expiresAt <= this.now()) throw errors.unauthorized("Client token has expired.");
    return identity;
  }
}
