import { useState } from "preact/hooks";
import { errorText } from "../../lib/api.js";

export interface Notice {
  text: string;
  error?: boolean;
}

/**
 * Runs an admin action, then keeps the notice that says what it did — with the count the API
 * reports (`affected` or `deleted`) — or why it failed. `onDone` runs after a success (reload the list).
 */
export function useActionNotice(onDone: () => void) {
  const [notice, setNotice] = useState<Notice | null>(null);
  const run = async (label: string, action: () => Promise<unknown>) => {
    try {
      const result = await action();
      const n =
        result && typeof result === "object"
          ? ((result as { affected?: number; deleted?: number }).affected ?? (result as { deleted?: number }).deleted)
          : undefined;
      setNotice({ text: n === undefined ? label : `${label}: ${n}` });
      onDone();
    } catch (error) {
      setNotice({ text: errorText(error), error: true });
    }
  };
  return { notice, run };
}
