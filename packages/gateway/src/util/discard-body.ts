/**
 * Releases a response body the caller will not read (a key check that only needs the status).
 * An unread body holds its connection until it is consumed or cancelled; cancelling may reject
 * on some runtimes when the upstream already broke the stream. Never throws.
 */
export async function discardBody(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // The body is gone either way: nothing to release.
  }
}
