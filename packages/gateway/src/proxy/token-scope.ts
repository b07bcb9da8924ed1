import { errors } from "../spec/errors.js";
import type { TokenRecord } from "../spec/storage.js";

/** Methods that read (model lists, one model's details) and never make an upstream generate. */
const READS = new Set(["GET", "HEAD"]);

/**
 * A token's provider and model scope; throws an OpenAI-style 403 outside it.
 *
 * A model-scoped token fails closed: a request that may generate (anything but a read) and
 * whose model the gateway could not read — an opaque body, a JSON body without `model` (the
 * upstream would pick its default) — is refused. The provider is always known (path, model,
 * default or sole provider), so a provider scope needs no model.
 */
export function checkTokenScope(
  token: TokenRecord | undefined,
  providerId: string,
  model: string | undefined,
  method: string,
): void {
  if (!token) return;
  if (token.providers && !token.providers.includes(providerId)) {
    throw errors.forbidden(`This token may not use provider '${providerId}'.`, "provider_not_allowed");
  }
  if (!token.models) return;
  if (model === undefined) {
    if (READS.has(method)) return;
    throw errors.forbidden(
      `This token may only use the models ${token.models.map((m) => `'${m}'`).join(", ")}, and this request names none the gateway can read: send a JSON body with \`model\` (or a multipart \`model\` field).`,
      "model_required",
    );
  }
  if (!token.models.includes(model)) {
    throw errors.forbidden(`This token may not use model '${model}'.`, "model_not_allowed");
  }
}
