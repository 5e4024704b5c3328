import { createRouter, createWebHistory } from "vue-router";
import { session } from "./lib/session";
import DiscoverView from "./views/DiscoverView.vue";

export const router = createRouter({
  history: createWebHistory("/app/"),
  routes: [
    { path: "/", name: "discover", component: DiscoverView },
    { path: "/map", name: "map", component: () => import("./views/MapView.vue") },
    { path: "/login", name: "login", component: () => import("./views/LoginView.vue") },
    { path: "/shops/:id", name: "shop", component: () => import("./views/ShopView.vue") },
    { path: "/shops/:id/buy/:service", name: "buy", component: () => import("./views/BuyView.vue"), meta: { auth: true } },
    { path: "/orders", name: "orders", component: () => import("./views/OrdersView.vue"), meta: { auth: true } },
    { path: "/orders/:id", name: "order", component: () => import("./views/OrderView.vue"), meta: { auth: true } },
    { path: "/coupons", name: "coupons", component: () => import("./views/CouponsView.vue"), meta: { auth: true } },
    { path: "/coupons/:id", name: "coupon", component: () => import("./views/CouponView.vue"), meta: { auth: true } },
    { path: "/cards", name: "cards", component: () => import("./views/CardsView.vue"), meta: { auth: true } },
    { path: "/cards/:id", name: "card", component: () => import("./views/CardView.vue"), meta: { auth: true } },
    { path: "/me", name: "me", component: () => import("./views/MeView.vue"), meta: { auth: true } },
    { path: "/inbox", name: "inbox", component: () => import("./views/InboxView.vue"), meta: { auth: true } },
    { path: "/me/subscriptions", name: "subscriptions", component: () => import("./views/SubscriptionsView.vue"), meta: { auth: true } },
    { path: "/me/places", name: "places", component: () => import("./views/PlacesView.vue"), meta: { auth: true } },
    { path: "/me/area", name: "area", component: () => import("./views/AreaView.vue"), meta: { auth: true } },
    { path: "/me/notifications", name: "preferences", component: () => import("./views/PreferencesView.vue"), meta: { auth: true } },
    { path: "/me/privacy", name: "privacy", component: () => import("./views/PrivacyView.vue"), meta: { auth: true } },
    { path: "/:rest(.*)*", redirect: "/" },
  ],
});

router.beforeEach((to) => {
  if (to.meta.auth && !session.value) return { name: "login", query: { next: to.fullPath } };
  return true;
});
