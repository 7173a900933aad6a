"""Column lists for hand-written SQL: the same columns the ORM's model instances load."""

VOUCHER = (
    "v.id, v.created_at, v.updated_at, v.state, v.title_key, v.description_key, v.terms_key,"
    " v.discount_type, v.discount_value, v.valid_from, v.expires_at, v.max_redemptions,"
    " v.max_per_user, v.business_id, v.currency"
)
BUSINESS = (
    "b.id, b.created_at, b.updated_at, b.business_name_key, b.business_description_key,"
    " b.location, b.service_area, b.is_active, b.category_id, b.owner_id, b.logo_id,"
    " b.verification_status, b.verified_at, b.verified_by_id"
)
# marketplace.voucher_is_live, written out (the planner inlines the function anyway).
LIVE = "v.state = 'published' AND v.valid_from <= now() AND v.expires_at > now()"
