// The live heap of a Node gateway after a full collection, read through its inspector (the soak
// starts it with --inspect=127.0.0.1:0). Unlike RSS it does not depend on how far V8 has grown
// its heap for the load yet, so a short run under a busy CPU judges a leak as well as a long one.
import { WebSocket } from "undici";

export async function liveHeapMiB(inspectorUrl) {
  const ws = new WebSocket(inspectorUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error(`the gateway's inspector (${inspectorUrl}) did not answer`));
  });
  let nextId = 1;
  const pending = new Map();
  ws.onmessage = (event) => {
    const message = JSON.parse(String(event.data));
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  };
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  try {
    await send("HeapProfiler.collectGarbage");
    const answer = await send("Runtime.evaluate", {
      expression: "process.memoryUsage().heapUsed",
      returnByValue: true,
    });
    return answer.result.result.value / 1048576;
  } finally {
    ws.close();
  }
}
