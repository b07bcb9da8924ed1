/** Google's error bodies as the Gemini mock sends them, each with the `details` the real API attaches. */
import type { GeminiKeyBehaviour, GoogleError } from "./mock-gemini-types.js";

export function notFoundError(path: string): GoogleError {
  return { code: 404, message: `The requested URL ${path} was not found on this server.`, status: "NOT_FOUND" };
}

export function apiKeyInvalid(): GoogleError {
  return {
    code: 400,
    message: "API key not valid. Please pass a valid API key.",
    status: "INVALID_ARGUMENT",
    details: [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: "API_KEY_INVALID",
        domain: "googleapis.com",
        metadata: { service: "generativelanguage.googleapis.com" },
      },
      {
        "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
        locale: "en-US",
        message: "API key not valid. Please pass a valid API key.",
      },
    ],
  };
}

export function permissionDenied(key: string): GoogleError {
  return {
    code: 403,
    message: `Permission denied: Consumer 'api_key:${key.slice(0, 6)}…' has been suspended.`,
    status: "PERMISSION_DENIED",
    details: [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: "CONSUMER_SUSPENDED",
        domain: "googleapis.com",
        metadata: { service: "generativelanguage.googleapis.com", consumer: "projects/123456789" },
      },
    ],
  };
}

export function quotaExceeded(window: "minute" | "day", model: string, retryDelaySeconds: number): GoogleError {
  const quotaId =
    window === "day"
      ? "GenerateRequestsPerDayPerProjectPerModel-FreeTier"
      : "GenerateRequestsPerMinutePerProjectPerModel-FreeTier";
  const limit = window === "day" ? 200 : 15;
  return {
    code: 429,
    message: `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: ${limit}, model: ${model}\nPlease retry in ${retryDelaySeconds}.${window === "day" ? "2" : "5"}s.`,
    status: "RESOURCE_EXHAUSTED",
    details: [
      {
        "@type": "type.googleapis.com/google.rpc.QuotaFailure",
        violations: [
          {
            quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests",
            quotaId,
            quotaDimensions: { location: "global", model },
            quotaValue: String(limit),
          },
        ],
      },
      {
        "@type": "type.googleapis.com/google.rpc.Help",
        links: [
          {
            description: "Learn more about Gemini API quotas",
            url: "https://ai.google.dev/gemini-api/docs/rate-limits",
          },
        ],
      },
      { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${retryDelaySeconds}s` },
    ],
  };
}

/** A request without any key. */
export function unregisteredCaller(): GoogleError {
  return {
    code: 403,
    message:
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    status: "PERMISSION_DENIED",
  };
}

/** A body that is not JSON. */
export function invalidJson(): GoogleError {
  return { code: 400, message: `Invalid JSON payload received. Unexpected token.`, status: "INVALID_ARGUMENT" };
}

/** A model the mock does not serve. */
export function unknownModel(model: string, method: string | undefined): GoogleError {
  return {
    code: 404,
    message: `models/${model} is not found for API version v1beta, or is not supported for ${method ?? "get"}. Call ListModels to see the list of available models and their supported methods.`,
    status: "NOT_FOUND",
  };
}

/**
 * The error a key's behaviour answers with, before any route runs; undefined when the key may go
 * on. Quota, server errors and overload hit model calls (POSTs) only.
 */
export function keyFailure(
  key: string,
  behaviour: GeminiKeyBehaviour,
  call: { isCall: boolean; model: () => string; retryDelaySeconds: number },
): GoogleError | undefined {
  if (behaviour === "invalid") return apiKeyInvalid();
  if (behaviour === "permission-denied") return permissionDenied(key);
  if (!call.isCall) return undefined;
  if (behaviour === "minute-quota" || behaviour === "day-quota") {
    return quotaExceeded(behaviour === "day-quota" ? "day" : "minute", call.model(), call.retryDelaySeconds);
  }
  if (behaviour === "server-error") {
    return {
      code: 500,
      message:
        "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
      status: "INTERNAL",
    };
  }
  if (behaviour === "overloaded") {
    return { code: 503, message: "The model is overloaded. Please try again later.", status: "UNAVAILABLE" };
  }
  return undefined;
}
