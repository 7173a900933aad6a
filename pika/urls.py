"""Pika's URL configuration: the admin (the data explorer) and the REST API."""

from django.contrib import admin
from django.urls import include, path

from business.api.views import BusinessDetailView, BusinessListView
from catalog.api.views import CategoryListView
from i18n.api.views import LanguageListView
from identity.api.views import TokenCreateView, TokenCurrentView
from marketplace.api import views as marketplace
from pika.api.urls import urlpatterns as api_urls
from users.api.views import MeView

# /api/v1/: every app's endpoints (this module is where the project wires its apps).
v1 = [
    path("auth/tokens/", TokenCreateView.as_view(), name="token-create"),
    path("auth/tokens/current/", TokenCurrentView.as_view(), name="token-current"),
    path("languages/", LanguageListView.as_view(), name="language-list"),
    path("categories/", CategoryListView.as_view(), name="category-list"),
    path("businesses/", BusinessListView.as_view(), name="business-list"),
    path("businesses/<anyuuid:business_id>/", BusinessDetailView.as_view(), name="business-detail"),
    path("vouchers/", marketplace.VoucherListView.as_view(), name="voucher-list"),
    path(
        "vouchers/<anyuuid:voucher_id>/",
        marketplace.VoucherDetailView.as_view(),
        name="voucher-detail",
    ),
    *(
        path(
            f"vouchers/<anyuuid:voucher_id>/{action}/",
            marketplace.VoucherActionView.as_view(action=action),
            name=f"voucher-{action}",
        )
        for action in ("publish", "pause", "archive")
    ),
    path(
        "vouchers/<anyuuid:voucher_id>/redeem/",
        marketplace.VoucherRedeemView.as_view(),
        name="voucher-redeem",
    ),
    path(
        "redemptions/<anyuuid:redemption_id>/reverse/",
        marketplace.RedemptionReverseView.as_view(),
        name="redemption-reverse",
    ),
    path("me/", MeView.as_view(), name="me"),
    path("me/redemptions/", marketplace.MyRedemptionsView.as_view(), name="my-redemptions"),
    path("me/saved-vouchers/", marketplace.MySavedVouchersView.as_view(), name="my-saved-vouchers"),
    path(
        "me/saved-vouchers/<anyuuid:voucher_id>/",
        marketplace.MySavedVoucherView.as_view(),
        name="my-saved-voucher",
    ),
]


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(v1)),
    path("api/", include(api_urls)),
]
