export interface SoakReport {
  runtime: string;
  requests: {
    requests: number;
    ok: number;
    okStream: number;
    failedClear: number;
    streamErrorEvents: number;
    aborted: number;
  };
  admin: { operations: number; failures: number };
  checks: Record<string, boolean>;
  failures: string[];
}
export function runSoak(options: {
  runtime: "node" | "bun" | "workerd";
  seconds: number;
  clients?: number;
}): Promise<{ status: number | null; report: SoakReport | undefined; output: string }>;
