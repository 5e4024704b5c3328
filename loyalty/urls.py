from django.urls import path

from .api import consumer, counter, merchant

urlpatterns = [
    path("merchant/card-program/", merchant.CardProgramView.as_view(), name="card-program"),
    path("merchant/card-program/design/", merchant.CardDesignView.as_view(), name="card-design"),
    path(
        "merchant/card-program/design/image/",
        merchant.CardDesignImageView.as_view(),
        name="card-design-image",
    ),
    path(
        "merchant/card-program/design/preview.png",
        merchant.CardDesignPreviewView.as_view(),
        name="card-design-preview",
    ),
    path(
        "merchant/card-program/design/publish/",
        merchant.CardDesignPublishView.as_view(),
        name="card-design-publish",
    ),
    path("merchant/cards/", merchant.CardListView.as_view(), name="merchant-cards"),
    path("merchant/cards/<int:pk>/", merchant.CardDetailView.as_view(), name="merchant-card"),
    path(
        "merchant/cards/<int:pk>/status/",
        merchant.CardStatusView.as_view(),
        name="merchant-card-status",
    ),
    path(
        "merchant/cards/<int:pk>/entries/",
        merchant.CardEntriesView.as_view(),
        name="merchant-card-entries",
    ),
    path(
        "merchant/cards/<int:pk>/adjustments/",
        merchant.CardAdjustView.as_view(),
        name="merchant-card-adjustments",
    ),
    path(
        "merchant/cards/<int:pk>/print.png",
        merchant.CardPrintView.as_view(),
        name="merchant-card-print",
    ),
    path(
        "merchant/card-top-ups/<int:payment_id>/refund/",
        merchant.TopUpRefundView.as_view(),
        name="top-up-refund",
    ),
    path("merchant/counter/card/", counter.CounterCardView.as_view(), name="counter-card"),
    path(
        "merchant/counter/purchases/",
        counter.CounterPurchaseView.as_view(),
        name="counter-purchase",
    ),
    path("merchant/counter/top-ups/", counter.CounterTopUpView.as_view(), name="counter-top-up"),
    path("me/cards/", consumer.MyCardListView.as_view(), name="my-cards"),
    path("me/cards/<int:pk>/", consumer.MyCardDetailView.as_view(), name="my-card"),
    path(
        "me/cards/<int:pk>/entries/", consumer.MyCardEntriesView.as_view(), name="my-card-entries"
    ),
    path("me/cards/<int:pk>/image.png", consumer.MyCardImageView.as_view(), name="my-card-image"),
    path(
        "me/cards/<int:pk>/password/",
        consumer.MyCardPasswordView.as_view(),
        name="my-card-password",
    ),
    path("me/cards/<int:pk>/top-ups/", consumer.MyCardTopUpView.as_view(), name="my-card-top-up"),
    path(
        "me/card-invitations/",
        consumer.MyInvitationListView.as_view(),
        name="my-card-invitations",
    ),
    path(
        "me/card-invitations/<int:pk>/accept/",
        consumer.MyInvitationAcceptView.as_view(),
        name="my-card-invitation-accept",
    ),
    path(
        "me/card-invitations/<int:pk>/decline/",
        consumer.MyInvitationDeclineView.as_view(),
        name="my-card-invitation-decline",
    ),
]
