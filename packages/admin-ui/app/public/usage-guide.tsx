import { useState } from "preact/hooks";
import { CopyButton } from "../components/copy-button.js";
import { t } from "../lib/i18n.js";

/** How to call this deployment, with its real base URL (never a placeholder domain). */
export function UsageGuide({ baseURL, providers }: { baseURL: string; providers: string[] }) {
  const root = baseURL.replace(/\/+$/, "");
  const v1 = root.endsWith("/v1") ? root : `${root}/v1`;
  const model = "gpt-4o-mini";
  const examples = {
    curl: `curl ${v1}/chat/completions \\
  -H "Authorization: Bearer $KEYHIVE_TOKEN" \\
  -H "Content-Type: application/json" \\
  -d '{"model": "${model}", "messages": [{"role": "user", "content": "Hello"}]}'`,
    python: `from openai import OpenAI

client = OpenAI(base_url="${v1}", api_key=os.environ["KEYHIVE_TOKEN"])
reply = client.chat.completions.create(
    model="${model}",
    messages=[{"role": "user", "content": "Hello"}],
)
print(reply.choices[0].message.content)`,
    javascript: `import OpenAI from "openai";

const client = new OpenAI({ baseURL: "${v1}", apiKey: process.env.KEYHIVE_TOKEN });
const reply = await client.chat.completions.create({
  model: "${model}",
  messages: [{ role: "user", content: "Hello" }],
});
console.log(reply.choices[0].message.content);`,
  };
  examples.python = `import os\n${examples.python}`;
  const [tab, setTab] = useState<keyof typeof examples>("curl");
  return (
    <section class="card guide" aria-labelledby="guide-title">
      <h2 id="guide-title">{t("usageGuide")}</h2>
      <p>
        {t("baseUrlIs")} <code data-testid="base-url">{v1}</code> <CopyButton text={v1} />
      </p>
      <p class="muted">{t("guideToken")}</p>
      {providers.length > 0 && (
        <p class="muted">
          {t("providers")}: {providers.join(", ")}
        </p>
      )}
      <div role="tablist" aria-label={t("examples")} class="segmented">
        {(Object.keys(examples) as (keyof typeof examples)[]).map((name) => (
          <button
            type="button"
            role="tab"
            key={name}
            id={`tab-${name}`}
            aria-selected={tab === name}
            aria-controls="guide-panel"
            tabIndex={tab === name ? 0 : -1}
            onClick={() => setTab(name)}
            onKeyDown={(e) => {
              const names = Object.keys(examples) as (keyof typeof examples)[];
              const i = names.indexOf(name);
              if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
                const next = names[(i + (e.key === "ArrowRight" ? 1 : names.length - 1)) % names.length]!;
                setTab(next);
                document.getElementById(`tab-${next}`)?.focus();
              }
            }}
          >
            {name === "curl" ? "curl" : name === "python" ? "Python" : "JavaScript"}
          </button>
        ))}
      </div>
      <div id="guide-panel" role="tabpanel" aria-labelledby={`tab-${tab}`} class="code-block">
        <pre>
          <code data-testid={`example-${tab}`}>{examples[tab]}</code>
        </pre>
        <CopyButton text={examples[tab]} />
      </div>
    </section>
  );
}
