import { useRef, useState } from "react";
import type { KeywatchPanelElement, KeywatchStatus } from "keywatch";
import { gateway, tokenProvider } from "./gateway";

export function App() {
  const [status, setStatus] = useState<KeywatchStatus | null>(null);
  const [language, setLanguage] = useState<"en" | "de">("en");
  const panel = useRef<KeywatchPanelElement>(null);
  return (
    <main>
      <h1>Console</h1>
      <button id="german" onClick={() => setLanguage("de")}>Deutsch</button>
      <button id="check" onClick={() => panel.current?.refresh()}>Check now</button>
      <output id="status">{status ? `failed sync jobs: ${status.syncJobsFailed}` : "waiting"}</output>
      <keywatch-panel
        ref={panel}
        id="keys"
        gklmUrl={new URL("SKLM/rest/v1", gateway).href}
        cckmUrl={new URL("api/v1", gateway).href}
        pollSeconds={30}
        language={language}
        tokenProvider={tokenProvider}
        onkeywatch-status={(e) => setStatus(e.detail)}
      />
    </main>
  );
}
