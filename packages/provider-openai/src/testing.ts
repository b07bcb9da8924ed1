/**
 * `@keyhive/provider-openai/testing`: offline stand-ins for OpenAI and the relays that copy its
 * wire format — a faithful mock (`startMockOpenAI`), chaos presets for the adversarial upstream
 * of `@keyhive/gateway/testing` (`openAIChaosRoute`), and OpenAI's payload shapes
 * (`openAIWire`). Node only (real sockets); needs `@keyhive/gateway` (a peer dependency).
 */

export {
  type MockKeyBehaviour,
  type MockOpenAI,
  type MockOpenAIOptions,
  type RecordedRequest,
  startMockOpenAI,
} from "./testing/mock-openai.js";
export {
  CHAOS_FAILING_BEFORE_FIRST_BYTE,
  CHAOS_FAILING_MID_STREAM,
  CHAOS_HEALTHY,
  type ChaosBehaviour,
  chaosWords,
  type OpenAIChaosRouteOptions,
  openAIChaosRoute,
} from "./testing/openai-chaos.js";
export { type OpenAIUsage, openAIWire } from "./testing/openai-wire.js";
