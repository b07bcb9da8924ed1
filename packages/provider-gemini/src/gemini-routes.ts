import type { NativeRoute } from "@keyhive/gateway";

/** `/v1beta/models/gemini-2.0-flash:streamGenerateContent` → model and action. */
export function describeGeminiPath(path: string): { model?: string; stream?: boolean } {
  const match = /\/models\/([^/:]+)(?::(\w+))?$/.exec(path);
  if (!match) return {};
  return { model: decodeURIComponent(match[1] as string), stream: match[2] === "streamGenerateContent" };
}

/**
 * Gemini's native surface, served under `/gemini` and at the root so the official SDKs work
 * with only a base URL change. The model lives in the path, not the body.
 */
export const GEMINI_NATIVE_ROUTES: readonly NativeRoute[] = [
  // generateContent, streamGenerateContent (?alt=sse), countTokens, embedContent, batchEmbedContents
  { method: "POST", path: "/v1beta/models/:action{.+}", describe: describeGeminiPath },
  { method: "GET", path: "/v1beta/models", describe: () => ({}) },
  { method: "GET", path: "/v1beta/models/:model", describe: describeGeminiPath },
];
