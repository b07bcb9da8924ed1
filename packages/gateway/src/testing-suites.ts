/**
 * `@keyhive/gateway/testing/suites`: the conformance suites — `testProvider` for adapters and
 * `testStorage` for stores. They define vitest tests, so import them from a test file with
 * `vitest` installed (an optional peer of this package); the mocks they run against are in
 * `@keyhive/gateway/testing`, which needs no test runner.
 */
export { testProvider } from "./testing/provider-case.js";
export { testStorage } from "./testing/storage-case.js";
