"""A larger, realistic, reproducible data set across the domains, written in bulk.

Everything derives from one random seed: ids, emails, places and numbers. Running again
with the same seed and sizes inserts nothing new (rows are matched by their ids), so the
generator is safe to repeat.
"""

import datetime
import json
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.geos import Point
from django.db import connection, models, transaction

from analytics.models import Event, EventKind
from business.models import Business, VerificationStatus
from catalog.models import Category
from i18n.models import Language, Translation
from marketplace.models import (
    CODE_ALPHABET,
    DiscountType,
    Redemption,
    Voucher,
    VoucherCode,
    VoucherState,
)
from users.models import User, UserRole, UserStatus

# Real city centres; businesses scatter around them.
CITIES = [
    ("Madrid", -3.7038, 40.4168),
    ("Barcelona", 2.1734, 41.3851),
    ("Paris", 2.3522, 48.8566),
    ("Lisbon", -9.1393, 38.7223),
    ("London", -0.1276, 51.5072),
    ("Berlin", 13.4050, 52.5200),
    ("Rome", 12.4964, 41.9028),
    ("Amsterdam", 4.9041, 52.3676),
    ("Mexico City", -99.1332, 19.4326),
    ("Buenos Aires", -58.3816, -34.6037),
]
FIRST_NAMES = ["Ana", "Luc", "João", "Emma", "María", "Tom", "Sofia", "Pierre", "Inês", "Oliver"]
LAST_NAMES = ["García", "Martin", "Silva", "Brown", "López", "Smith", "Rossi", "Dubois", "Costa"]
NOUNS = ["Bistro", "Café", "Bakery", "Spa", "Studio", "Tours", "Records", "Bar", "Market", "Gym"]
ADJECTIVES = ["Golden", "Little", "Old", "Blue", "Happy", "Royal", "Green", "Corner", "Urban"]
STATES = [
    (VoucherState.PUBLISHED, 60),
    (VoucherState.DRAFT, 15),
    (VoucherState.PAUSED, 5),
    (VoucherState.EXPIRED, 15),
    (VoucherState.ARCHIVED, 5),
]
EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Sizes:
    users: int
    businesses: int
    vouchers: int
    redemptions: int
    events: int

    @classmethod
    def from_scale(cls, scale: float) -> "Sizes":
        """Sizes for a scale factor: 1 is 1,000 users and 100 businesses."""
        return cls(
            users=round(1000 * scale),
            businesses=round(100 * scale),
            vouchers=round(500 * scale),
            redemptions=round(2000 * scale),
            events=round(10000 * scale),
        )


Progress = Callable[[str, int, int], None]


class Generator:
    """Writes one data set; ``run`` does it in a single transaction."""

    def __init__(self, *, sizes: Sizes, seed: int, batch_size: int, progress: Progress):
        self.sizes = sizes
        self.random = random.Random(seed)
        self.seed = seed
        self.batch_size = batch_size
        self.progress = progress
        self.clock_ms = int(EPOCH.timestamp() * 1000) + seed * 1_000_000_000

    def new_id(self) -> uuid.UUID:
        """A UUIDv7 whose time and randomness both come from the seed."""
        self.clock_ms += 1
        value = (self.clock_ms << 80) | self.random.getrandbits(80)
        value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
        value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 9562 variant
        return uuid.UUID(int=value)

    @transaction.atomic
    def run(self) -> dict[str, int]:
        categories = list(
            Category.objects.filter(children__isnull=True).values_list("pk", flat=True)
        )
        language = Language.objects.filter(is_default=True).first()
        if not categories or language is None:
            raise LookupError("no categories or default language: load the seed data first")
        users = self._users()
        owners = [user for user in users if user.role == UserRole.BUSINESS] or users[:1]
        businesses = self._businesses(owners, categories, language)
        vouchers = self._vouchers(businesses, language)
        codes = self._codes(vouchers)
        redemptions = self._redemptions(vouchers, codes, users)
        self._events(vouchers, users)
        return {
            "users": len(users),
            "businesses": len(businesses),
            "vouchers": len(vouchers),
            "redemptions": redemptions,
            "events": self.sizes.events,
        }

    def _write(self, label: str, model, rows: list) -> None:
        """Load ``rows`` with ``COPY`` into a staging table, then one ``INSERT … SELECT …
        ON CONFLICT DO NOTHING`` per batch: COPY's speed, and running again adds nothing."""
        fields = [
            field for field in model._meta.concrete_fields if not getattr(field, "generated", False)
        ]
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMP TABLE pika_datagen_stage ON COMMIT DROP AS"
                f" SELECT {columns} FROM {table} WITH NO DATA"
            )
            for start in range(0, len(rows), self.batch_size):
                batch = rows[start : start + self.batch_size]
                with cursor.cursor.copy(f"COPY pika_datagen_stage ({columns}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row([_copy_value(field, row) for field in fields])
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) SELECT {columns} FROM pika_datagen_stage"
                    " ON CONFLICT DO NOTHING"
                )
                cursor.execute("TRUNCATE pika_datagen_stage")
                self.progress(label, min(start + self.batch_size, len(rows)), len(rows))
            cursor.execute("DROP TABLE pika_datagen_stage")

    def _users(self) -> list[User]:
        users = []
        for n in range(self.sizes.users):
            first, last = self.random.choice(FIRST_NAMES), self.random.choice(LAST_NAMES)
            users.append(
                User(
                    id=self.new_id(),
                    email=f"gen{self.seed}.user{n}@example.com",
                    password="!",  # no usable password: hashing would dominate the run
                    first_name=first,
                    last_name=last,
                    role=UserRole.BUSINESS if n % 10 == 0 else UserRole.CUSTOMER,
                    status=UserStatus.ACTIVE
                    if self.random.random() < 0.9
                    else UserStatus.UNCONFIRMED,
                )
            )
        self._write("users", User, users)
        return users

    def _place(self) -> Point:
        _, lng, lat = self.random.choice(CITIES)
        return Point(
            round(lng + self.random.gauss(0, 0.03), 6),
            round(lat + self.random.gauss(0, 0.02), 6),
            srid=4326,
        )

    def _businesses(self, owners, categories, language) -> list[Business]:
        businesses, texts = [], []
        for n in range(self.sizes.businesses):
            key = f"gen{self.seed}.business.{n}.name"
            name = f"{self.random.choice(ADJECTIVES)} {self.random.choice(NOUNS)} {n}"
            businesses.append(
                Business(
                    id=self.new_id(),
                    business_name_key=key,
                    category_id=self.random.choice(categories),
                    owner=self.random.choice(owners),
                    location=self._place(),
                    verification_status=VerificationStatus.UNVERIFIED,
                )
            )
            texts.append(Translation(id=self.new_id(), key=key, language=language, value=name))
        self._write("businesses", Business, businesses)
        self._write("business names", Translation, texts)
        return businesses

    def _vouchers(self, businesses, language) -> list[Voucher]:
        states, weights = zip(*STATES, strict=True)
        vouchers, texts = [], []
        for n in range(self.sizes.vouchers):
            state = self.random.choices(states, weights)[0]
            percentage = self.random.random() < 0.6
            start = EPOCH + datetime.timedelta(days=self.random.randint(-400, 200))
            if state == VoucherState.EXPIRED:
                start = EPOCH - datetime.timedelta(days=self.random.randint(60, 400))
            base = f"voucher.gen{self.seed}.{n}"
            vouchers.append(
                Voucher(
                    id=self.new_id(),
                    business=self.random.choice(businesses),
                    state=state,
                    title_key=f"{base}.title",
                    description_key=f"{base}.description",
                    terms_key=f"{base}.terms",
                    discount_type=DiscountType.PERCENTAGE if percentage else DiscountType.FIXED,
                    discount_value=Decimal(self.random.choice([5, 10, 15, 20, 25, 50]))
                    if percentage
                    else Decimal(self.random.randint(200, 5000)) / 100,
                    currency=None if percentage else "EUR",
                    valid_from=start,
                    expires_at=start + datetime.timedelta(days=self.random.randint(14, 365)),
                    max_redemptions=self.random.choice([None, 100, 500, 1000, 5000]),
                    max_per_user=self.random.choice([1, 1, 1, 2, 5]),
                )
            )
            title = f"{vouchers[-1].discount_value}{'%' if percentage else ' off'} at deal {n}"
            for suffix, value in (("title", title), ("description", title), ("terms", "One use.")):
                texts.append(
                    Translation(
                        id=self.new_id(), key=f"{base}.{suffix}", language=language, value=value
                    )
                )
        self._write("vouchers", Voucher, vouchers)
        self._write("voucher texts", Translation, texts)
        return vouchers

    def _codes(self, vouchers) -> list[VoucherCode]:
        codes = [
            VoucherCode(
                id=self.new_id(),
                voucher=voucher,
                code="".join(self.random.choice(CODE_ALPHABET) for _ in range(10)),
            )
            for voucher in vouchers
        ]
        self._write("voucher codes", VoucherCode, codes)
        return codes

    def _redemptions(self, vouchers, codes, users) -> int:
        """Redemptions within each voucher's limits; returns how many fit."""
        live = [
            (voucher, code)
            for voucher, code in zip(vouchers, codes, strict=True)
            if voucher.state in (VoucherState.PUBLISHED, VoucherState.EXPIRED)
        ]
        if not live or not users:
            return 0
        rows, taken = [], {}
        for n in range(self.sizes.redemptions):
            voucher, code = self.random.choice(live)
            user = self.random.choice(users)
            limit = voucher.max_redemptions
            per_user = (voucher.pk, user.pk)
            if (limit is not None and taken.get(voucher.pk, 0) >= limit) or taken.get(
                per_user, 0
            ) >= voucher.max_per_user:
                continue
            taken[voucher.pk] = taken.get(voucher.pk, 0) + 1
            taken[per_user] = taken.get(per_user, 0) + 1
            rows.append(
                Redemption(
                    id=self.new_id(),
                    voucher=voucher,
                    code=code,
                    user=user,
                    redeemed_at=voucher.valid_from + (voucher.expires_at - voucher.valid_from) / 2,
                    location=voucher.business.location,
                    idempotency_key=f"gen{self.seed}.redemption.{n}",
                )
            )
        self._write("redemptions", Redemption, rows)
        # The codes' counters follow the ledger in one statement; the vouchers' slices
        # followed it already (the ledger's trigger, marketplace.0010).
        table = VoucherCode._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE {table} AS target SET redemption_count = counted.n
                FROM (
                    SELECT code_id AS id, count(*) AS n FROM {Redemption._meta.db_table}
                    WHERE status = 'redeemed' AND code_id IS NOT NULL GROUP BY code_id
                ) AS counted
                WHERE target.id = counted.id AND target.redemption_count <> counted.n
                """
            )
        return len(rows)

    def _events(self, vouchers, users) -> None:
        kinds = [EventKind.VOUCHER_VIEWED] * 8 + [EventKind.VOUCHER_CLAIMED] * 2
        rows = []
        for _ in range(self.sizes.events):
            voucher = self.random.choice(vouchers)
            rows.append(
                Event(
                    id=self.new_id(),
                    kind=self.random.choice(kinds),
                    occurred_at=voucher.valid_from
                    + datetime.timedelta(minutes=self.random.randint(0, 60 * 24 * 14)),
                    user=self.random.choice(users) if users else None,
                    voucher=voucher,
                    business_id=voucher.business_id,
                )
            )
        rows.sort(key=lambda event: event.occurred_at)
        self._write("events", Event, rows)


def _copy_value(field, obj):
    """``obj``'s value of ``field`` as COPY takes it (geometries as EWKT)."""
    value = field.pre_save(obj, add=True)
    if isinstance(field, GeometryField):
        return value.ewkt if value is not None else None
    if isinstance(field, models.JSONField):
        return json.dumps(value) if value is not None else None
    return field.get_db_prep_save(value, connection)
