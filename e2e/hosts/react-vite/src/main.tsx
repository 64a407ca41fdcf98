import init from "keywatch";
import { createRoot } from "react-dom/client";
import { App } from "./App";

// React renders first; the element was defined when "keywatch" was imported,
// so it gets properties, and its panel starts once the wasm is loaded.
createRoot(document.getElementById("root")!).render(<App />);
await init();
