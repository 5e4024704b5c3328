"""The merchant dashboard and the counter page: Django templates with htmx, phone first.

Adding a page (coupons, flash deals, membership, customers) takes five small steps:

1. A form in `dashboard/forms/<area>.py` subclassing `DashboardForm`: it parses what was typed
   (money through `YuanField`), nothing more. Labels and messages are Chinese msgids.
2. A view in `dashboard/views/<area>.py`, wrapped in `@shop_page(permission=...)` when it acts
   on one shop (the URL has `shop_id`; the view receives the checked Shop) or in
   `@merchant_page(permission=..., owner_only=...)` for the whole merchant. The view calls one
   service or selector of the app that owns the rule; on `DomainError` it calls
   `form.add_domain_error(error)` and renders the form again with status 422.
3. A URL in `dashboard/urls.py` (name it; shop pages start with `shops/<int:shop_id>/`).
4. A template extending `dashboard/base.html` (shop pages include `_shop_header.html` for the
   tabs); htmx partials start with `_` and are answered to `HX-Request`s.
5. One `Link` in `dashboard/nav.py` (`SHOP_LINKS` or `MERCHANT_LINKS`) with the same
   permission, so the menus offer the page exactly to those the view lets in. Then add the
   page to the role matrix in `tests/dashboard/test_access.py`, a browser test in `tests/e2e/`
   with a `screenshot(...)`, and `make messages` plus English strings in the catalog.

The counter's lookup dispatches a scanned or typed code by kind in `dashboard/counter.py`
(`HANDLERS`): a coupon or card back end is wired by replacing its entry.
"""
