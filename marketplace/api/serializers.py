"""Shapes of the marketplace's API: vouchers with their texts resolved, redemptions."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.models import DiscountType, Redemption, RedemptionStatus, VoucherState
from marketplace.services import voucher_effective_state


class LocationSerializer(serializers.Serializer):
    lat = serializers.FloatField()
    lng = serializers.FloatField()


class VoucherBusinessSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    location = LocationSerializer(allow_null=True)


class VoucherSerializer(serializers.Serializer):
    """A voucher; ``context["texts"]`` holds the page's resolved texts (one query a page)."""

    id = serializers.UUIDField()
    state = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    terms = serializers.SerializerMethodField()
    discount_type = serializers.ChoiceField(choices=DiscountType.choices)
    discount_value = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField(allow_null=True)
    valid_from = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    max_redemptions = serializers.IntegerField(allow_null=True)
    max_per_user = serializers.IntegerField()
    business = serializers.SerializerMethodField()
    distance_m = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=VoucherState.choices))
    def get_state(self, voucher) -> str:
        return voucher_effective_state(voucher)

    def _text(self, key: str) -> str:
        return self.context["texts"].get(key, key)

    def get_title(self, voucher) -> str:
        return self._text(voucher.title_key)

    def get_description(self, voucher) -> str:
        return self._text(voucher.description_key)

    def get_terms(self, voucher) -> str:
        return self._text(voucher.terms_key)

    @extend_schema_field(VoucherBusinessSerializer)
    def get_business(self, voucher):
        business = voucher.business
        location = business.location
        return {
            "id": business.pk,
            "name": self._text(business.business_name_key),
            "location": {"lat": location.y, "lng": location.x} if location else None,
        }

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_m(self, voucher):
        distance = getattr(voucher, "distance_m", None)
        return round(distance.m, 1) if distance is not None else None


def voucher_keys(vouchers) -> list[str]:
    """Every translation key a page of vouchers shows."""
    keys = []
    for voucher in vouchers:
        keys += [voucher.title_key, voucher.description_key, voucher.terms_key]
        keys.append(voucher.business.business_name_key)
    return keys


class TextsSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=10_000, required=False)
    description = serializers.CharField(max_length=10_000, required=False)
    terms = serializers.CharField(max_length=10_000, required=False)


class VoucherWriteSerializer(serializers.Serializer):
    """What the business's staff send to create or change a voucher."""

    business = serializers.UUIDField(required=True)
    discount_type = serializers.ChoiceField(choices=DiscountType.choices)
    discount_value = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    currency = serializers.RegexField(r"^[A-Z]{3}$", allow_null=True, required=False)
    valid_from = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    max_redemptions = serializers.IntegerField(min_value=1, allow_null=True, required=False)
    max_per_user = serializers.IntegerField(min_value=1, required=False)
    texts = serializers.DictField(child=TextsSerializer(), required=False)


class RedeemRequestSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32, required=False, allow_blank=True)


class RedemptionSerializer(serializers.ModelSerializer):
    voucher = serializers.UUIDField(source="voucher_id")
    code = serializers.CharField(source="code.code", allow_null=True, default=None)
    status = serializers.ChoiceField(choices=RedemptionStatus.choices)

    class Meta:
        model = Redemption
        fields = ["id", "voucher", "code", "redeemed_at", "status"]


class SaveRequestSerializer(serializers.Serializer):
    voucher = serializers.UUIDField()
