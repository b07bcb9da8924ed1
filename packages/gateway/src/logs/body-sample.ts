/**
 * Body samples for the request log: off unless an operator names a token or a model in the
 * `bodySampling` setting. Only the first `maxBytes` of each body are kept, decoded as text, and
 * masked before they are recorded: every secret of a key the request tried, and anything shaped
 * like an API key or a bearer credential, keep only their masked form.
 */
import type { OutcomeDetail } from "../proxy/proxy-types.js";
import { maskSecret, redact } from "../util/mask.js";

export interface BodySamplingSettings {
  /** Client token ids whose requests are sampled. */
  tokens: readonly string[];
  /** Models whose requests are sampled (any token). */
  models: readonly string[];
  /** Bytes kept of each body. */
  maxBytes: number;
}

/** The sampler the pipeline asks per request: the byte cap, or undefined for "not sampled". */
export function bodySampler(settings: () => BodySamplingSettings) {
  return (tokenId: string, model: string | undefined): number | undefined => {
    const s = settings();
    if (s.tokens.length === 0 && s.models.length === 0) return undefined;
    const wanted = s.tokens.includes(tokenId) || (model !== undefined && s.models.includes(model));
    return wanted ? s.maxBytes : undefined;
  };
}

export interface RecordedSample {
  request: string | null;
  response: string | null;
  /** Either body was longer than the cap. */
  truncated: boolean;
}

/**
 * Credential shapes masked wherever they appear in a sample: `sk-…`/`kh-…`-style keys, Google
 * style `AIza…` keys, and bearer tokens.
 */
const CREDENTIAL_SHAPES = [
  /\b(?:sk|kh|rk|pk|key)[-_][A-Za-z0-9_-]{12,}/g,
  /\bAIza[0-9A-Za-z_-]{30,}/g,
  /(?<=\bBearer\s+)[A-Za-z0-9._~+/-]{12,}=*/gi,
];

export function maskBodyText(text: string, secrets: readonly string[]): string {
  let out = redact(text, secrets);
  for (const shape of CREDENTIAL_SHAPES) out = out.replace(shape, (match) => maskSecret(match));
  return out;
}

const decoder = new TextDecoder();

export function recordedSample(
  sample: NonNullable<OutcomeDetail["sample"]>,
  secrets: readonly string[],
): RecordedSample {
  const text = (bytes: Uint8Array | undefined) => (bytes ? maskBodyText(decoder.decode(bytes), secrets) : null);
  const responseCut = (sample.response?.byteLength ?? 0) >= sample.maxBytes;
  return {
    request: text(sample.request),
    response: text(sample.response),
    truncated: sample.requestBytes > sample.maxBytes || responseCut,
  };
}
