import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [react()],
  // The dev server must not pre-bundle keywatch: its wasm is found beside
  // its module (`new URL("keywatch_bg.wasm", import.meta.url)`).
  optimizeDeps: { exclude: ["keywatch"] },
});
