import init from "keywatch";
import { createApp } from "vue";
import App from "./App.vue";

createApp(App).mount("#app");
await init();
