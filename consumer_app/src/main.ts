import { createApp } from "vue";
import "vant/es/toast/style";
import "vant/es/dialog/style";
import "./style.css";
import App from "./App.vue";
import { router } from "./router";
import "./lib/i18n";

const app = createApp(App);
app.use(router);
app.mount("#app");

if ("serviceWorker" in navigator) {
  void import("virtual:pwa-register").then(({ registerSW }) => registerSW({ immediate: true }));
}
