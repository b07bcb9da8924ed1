/** The gateway's own test support: fake provider, fake upstream, memory storage, rig and helpers. */
export {
  classifyFakeFailure,
  createFakeProvider,
  FAKE_KEY_PATTERN,
  type FakeProviderSettings,
} from "./fake-provider.js";
export {
  FAKE_MODELS,
  type FakeKeyBehaviour,
  type FakeUpstream,
  type FakeUpstreamOptions,
  MISSING_MODEL,
  type RecordedRequest,
  startFakeUpstream,
} from "./fake-upstream.js";
export { adminLogin, cookieOf, fetchFrom, readSSE, seededRandom } from "./http.js";
export { createMemoryStorage, type MemoryStorageOptions } from "./memory-storage.js";
export { ADMIN_PASSWORD, adminCall, CLIENT_TOKEN, chatBody, FAKE, seedKeys, startRig, type TestRig } from "./rig.js";
