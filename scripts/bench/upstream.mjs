// The test kit's mock upstream, in its own process so it does not share a core with the gateway.
import { startMockOpenAI } from "@keyhive/provider-openai/testing";

const mock = await startMockOpenAI({ acceptAnyKey: true, streamWords: 8 });
process.send?.({ url: mock.baseURL });
