// Imported by the generated service worker (vite.config.ts, workbox.importScripts): shows each
// Web Push message the server sends (notifications/backends/webpush.py: title, body, kind, data,
// tag) and opens the app on a click, at the inbox, where the message also is.
/* eslint-env serviceworker */
self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = { body: event.data ? event.data.text() : "" };
  }
  const scope = self.registration.scope; // …/app/
  event.waitUntil(
    self.registration.showNotification(message.title || "本地生活", {
      body: message.body || "",
      tag: message.tag, // a retried push replaces the first, never doubles it
      icon: `${scope}icon.svg`,
      lang: "zh-CN",
      data: { url: `${scope}inbox` },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || self.registration.scope;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => w.url.startsWith(self.registration.scope));
      if (open) return open.navigate(url).then((w) => (w || open).focus());
      return self.clients.openWindow(url);
    }),
  );
});
