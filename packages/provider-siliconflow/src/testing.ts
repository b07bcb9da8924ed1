/**
 * `@keyhive/provider-siliconflow/testing`: an offline, faithful mock of SiliconFlow
 * (`startMockSiliconFlow`) — balances, free and paid models, its error shapes and SSE. Node only
 * (a real HTTP server); needs `@keyhive/gateway` (a peer dependency).
 */

export {
  MOCK_SILICONFLOW_FREE_MODELS,
  type MockSiliconFlow,
  type MockSiliconFlowOptions,
  type SiliconFlowKeyBehaviour,
  startMockSiliconFlow,
} from "./testing/mock-siliconflow.js";
