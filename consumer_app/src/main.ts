import { createApp } from "vue";
import { setToastDefaultOptions } from "vant";
import "vant/es/toast/style";
import "vant/es/dialog/style";
import "./style.css";
import App from "./App.vue";
import { router } from "./router";
import "./lib/i18n";

// Toasts at the top: never over a QR code the counter is scanning.
setToastDefaultOptions({ position: "top" });

const app = createApp(App);
app.use(router);
app.mount("#app");

if ("serviceWorker" in navigator) {
  void import("virtual:pwa-register").then(({ registerSW }) => registerSW({ immediate: true }));
}
