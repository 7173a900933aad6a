"""The benchmark's data set: every row of every table, as COPY text, from one seed.

At scale 1: 200,000 users, 100,000 businesses scattered around real cities, 1,000,000
vouchers in every state and window, their texts in five languages (every key has a text in
the default language, the others cover part of the vouchers, so fallbacks happen), 1,000,000
redemptions within each voucher's limits, and 5,000,000 audit log rows.

Everything is a function of the seed and the anchor (the day the data set is built, which
live vouchers are placed around): each table draws from its own ``random.Random``, and ids
come from `bench.ids`. `DataSet.plan` decides the shape in memory (compact arrays); the
``*_rows`` methods then format one table at a time, so the set is never held whole.

The rows keep every rule the models declare: CHECK constraints, keys, and the counts (each
voucher's one redemption slice, the codes' ``redemption_count``) equal to the live
redemptions they count.
"""

import bisect
import itertools
import json
import math
import random
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

from bench.cities import CITIES
from bench.ids import Stamps, table_salt, uuid7
from bench.vocabulary import (
    ADJECTIVES,
    COLUMN,
    DESCRIPTIONS,
    FIRST_NAMES,
    LAST_NAMES,
    PRODUCTS,
    TERMS,
    TITLES,
)

DAY = 86_400
YEAR = 365 * DAY
KM_PER_DEGREE = 111.32

# (code, name, native name, search configuration, fallback code, share of vouchers).
LANGUAGES = [
    ("en", "English", "English", "english", None, 1.0),
    ("es", "Spanish", "Español", "spanish", None, 0.6),
    ("fr", "French", "Français", "french", None, 0.4),
    ("de", "German", "Deutsch", "german", None, 0.35),
    ("es-MX", "Spanish (Mexico)", "Español (México)", "spanish", "es", 0.15),
]
# (slug, parent slug): the seed data's category tree.
CATEGORIES = [
    ("food-drink", None),
    ("restaurants", "food-drink"),
    ("cafes", "food-drink"),
    ("bars", "food-drink"),
    ("wellness", None),
    ("spas", "wellness"),
    ("salons", "wellness"),
    ("activities", None),
    ("tours", "activities"),
    ("sports", "activities"),
    ("shopping", None),
]
FIELDS = ("title", "description", "terms")
CURRENCIES = ["EUR", "EUR", "USD", "USD", "GBP", "MXN", "JPY", "BRL"]
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
USER_AGENTS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 Version/18.1 Safari/605.1",
    "pika-api-client/2.3 (python-requests/2.32)",
]


@dataclass(frozen=True)
class Sizes:
    """How many rows of each kind; `from_scale` scales the default linearly."""

    users: int
    businesses: int
    vouchers: int
    redemptions: int
    audit_rows: int

    @classmethod
    def from_scale(cls, scale: float) -> "Sizes":
        """Scale 1: 200k users, 100k businesses, 1M vouchers and redemptions, 5M audit rows."""

        def scaled(count: int, minimum: int) -> int:
            return max(minimum, round(count * scale))

        return cls(
            users=scaled(200_000, 50),
            businesses=scaled(100_000, 10),
            vouchers=scaled(1_000_000, 50),
            redemptions=scaled(1_000_000, 50),
            audit_rows=scaled(5_000_000, 100),
        )


def text(value) -> str:
    """A value in COPY's text format (``\\N`` is NULL); generated text needs no escaping."""
    return "\\N" if value is None else str(value)


class DataSet:
    """One reproducible data set: `plan` first, then the rows of each table in load order."""

    def __init__(self, *, sizes: Sizes, seed: int, anchor: int):
        self.sizes = sizes
        self.seed = seed
        self.anchor = anchor  # Unix seconds, midnight UTC of the build day
        self.stamp = Stamps()
        self.salts = {}

    def stream(self, table: str) -> random.Random:
        """The random stream of one table: tables stay reproducible one by one."""
        return random.Random(f"{self.seed}:{table}")

    def id(self, table: str, row: int, seconds: int) -> str:
        """The id of row ``row`` of ``table``, created at ``seconds``."""
        salt = self.salts.get(table)
        if salt is None:
            salt = self.salts[table] = table_salt(self.seed, table)
        return uuid7(salt, row, seconds * 1000 + row % 1000)

    # --- The plan: the shape of the data set, in compact arrays ---------------------------

    def plan(self) -> None:
        """Decide users, businesses, vouchers and redemptions; the counters follow."""
        self._plan_users()
        self._plan_businesses()
        self._plan_vouchers()
        self._plan_redemptions()

    def _plan_users(self) -> None:
        rng = self.stream("users")
        count = self.sizes.users
        start = self.anchor - 3 * YEAR
        self.user_created = array(
            "q", (start + (3 * YEAR - DAY) * n // count for n in range(count))
        )
        self.user_role = bytearray(count)  # 0 customer, 1 business, 2 admin
        self.user_status = bytearray(count)  # index into USER_STATUSES
        owners, customers = [], []
        for n in range(count):
            draw = rng.random()
            role = 2 if n % 997 == 0 else 1 if draw < 0.1 else 0
            self.user_role[n] = role
            self.user_status[n] = rng.choices(range(4), (10, 85, 4, 1))[0]
            (owners if role == 1 else customers).append(n)
        self.owners = owners or [0]
        self.customers = array("i", customers or [0])

    def _plan_businesses(self) -> None:
        rng = self.stream("businesses")
        count = self.sizes.businesses
        weights = list(itertools.accumulate(city[3] for city in CITIES))
        start = self.anchor - 3 * YEAR
        self.business_created = array(
            "q", (start + (3 * YEAR - 30 * DAY) * n // count for n in range(count))
        )
        self.business_lng = array("d")
        self.business_lat = array("d")
        self.business_city = array("H")
        self.business_owner = array("i")
        for _ in range(count):
            city = rng.choices(range(len(CITIES)), cum_weights=weights)[0]
            _, lat, lng, population = CITIES[city]
            # A dense centre and wider suburbs: most shops within a few km, some far out.
            spread_km = (2 + math.sqrt(population)) * (1 if rng.random() < 0.75 else 3)
            lat = lat + rng.gauss(0, spread_km / KM_PER_DEGREE)
            lng = lng + rng.gauss(0, spread_km / (KM_PER_DEGREE * math.cos(math.radians(lat))))
            self.business_lat.append(round(max(-89.9, min(89.9, lat)), 6))
            self.business_lng.append(round((lng + 180) % 360 - 180, 6))
            self.business_city.append(city)
            self.business_owner.append(rng.choice(self.owners))
        self.business_active = bytearray(1 if rng.random() < 0.97 else 0 for _ in range(count))

    def _plan_vouchers(self) -> None:
        rng = self.stream("vouchers")
        count, businesses = self.sizes.vouchers, self.sizes.businesses
        self.voucher_created = array("q")
        self.voucher_business = array("i")
        self.voucher_from = array("q")
        self.voucher_expires = array("q")
        self.voucher_state = bytearray(count)  # index into STATES
        self.voucher_max = array("i")  # 0: no overall limit
        self.voucher_per_user = bytearray(count)
        self.voucher_product = bytearray(count)
        self.voucher_languages = bytearray(count)  # bit i: LANGUAGES[i] has the texts
        self.voucher_code = bytearray(count)  # 0 none, 1 multi-use code, 2 single-use code
        span = 900 * DAY
        for n in range(count):
            # Newer vouchers are more numerous (the platform grows): created = anchor - span·u².
            created = self.anchor - DAY - int(span * (1 - n / count) ** 2)
            self.voucher_created.append(created)
            # Chains have many vouchers, corner shops a few: a skewed pick of the business.
            self.voucher_business.append(int(businesses * rng.random() ** 1.6))
            valid_from = created + rng.randrange(0, 21 * DAY)
            expires = valid_from + rng.choice((14, 30, 60, 90, 180, 365, 730)) * DAY
            self.voucher_from.append(valid_from)
            self.voucher_expires.append(expires)
            self.voucher_state[n] = self._state(rng, valid_from, expires)
            self.voucher_max.append(rng.choice((0, 0, 0, 50, 100, 250, 500, 1000, 5000)))
            self.voucher_per_user[n] = rng.choice((1, 1, 1, 1, 2, 3, 5))
            self.voucher_product[n] = min(len(PRODUCTS) - 1, int(rng.expovariate(1 / 12)))
            mask = 1
            for position, language in enumerate(LANGUAGES[1:], start=1):
                if rng.random() < language[5]:
                    mask |= 1 << position
            self.voucher_languages[n] = mask
            draw = rng.random()
            self.voucher_code[n] = 1 if draw < 0.15 else 2 if draw < 0.2 else 0

    def _state(self, rng: random.Random, valid_from: int, expires: int) -> int:
        """The state a voucher with this window plausibly has today (index into STATES)."""
        if expires <= self.anchor:
            # Mostly expired by the scheduled job; a few published ones it has not reached.
            return rng.choices((EXPIRED, ARCHIVED, PUBLISHED), (75, 22, 3))[0]
        if valid_from > self.anchor:
            return rng.choices((DRAFT, PUBLISHED), (50, 50))[0]
        return rng.choices((PUBLISHED, PAUSED, DRAFT, ARCHIVED), (75, 10, 10, 5))[0]

    def _plan_redemptions(self) -> None:
        """Draw redemptions within each voucher's limits; keep them and the counters."""
        rng = self.stream("redemptions")
        eligible = [
            n
            for n in range(self.sizes.vouchers)
            if self.voucher_state[n] != DRAFT and self.voucher_from[n] < self.anchor
        ]
        self.voucher_count = array("i", bytes(4 * self.sizes.vouchers))
        self.code_count = array("i", bytes(4 * self.sizes.vouchers))
        self.redemption_voucher = array("i")
        self.redemption_user = array("i")
        self.redemption_at = array("q")
        self.redemption_flags = bytearray()  # 1 reversed, 2 with the code, 4 with a location
        if not eligible:
            return
        popularity = list(itertools.accumulate(rng.lognormvariate(0, 1.2) for _ in eligible))
        per_user: dict[int, int] = {}
        users = self.sizes.users
        wanted, attempts = self.sizes.redemptions, 0
        while len(self.redemption_voucher) < wanted and attempts < 4 * wanted:
            attempts += 1
            n = eligible[bisect.bisect_left(popularity, rng.random() * popularity[-1])]
            user = self.customers[rng.randrange(len(self.customers))]
            reversed_ = rng.random() < 0.03
            limit = self.voucher_max[n]
            pair = n * users + user
            if not reversed_ and (
                (limit and self.voucher_count[n] >= limit)
                or per_user.get(pair, 0) >= self.voucher_per_user[n]
            ):
                continue
            with_code = self.voucher_code[n] and rng.random() < 0.6
            if with_code and self.voucher_code[n] == 2 and (reversed_ or self.code_count[n]):
                with_code = False  # a single-use code serves one live redemption only
            end = min(self.voucher_expires[n], self.anchor)
            at = self.voucher_from[n] + rng.randrange(max(1, end - self.voucher_from[n]))
            if not reversed_:
                self.voucher_count[n] += 1
                per_user[pair] = per_user.get(pair, 0) + 1
                if with_code:
                    self.code_count[n] += 1
            flags = (1 if reversed_ else 0) | (2 if with_code else 0)
            flags |= 4 if rng.random() < 0.7 else 0
            self.redemption_voucher.append(n)
            self.redemption_user.append(user)
            self.redemption_at.append(at)
            self.redemption_flags.append(flags)

    # --- Rows, table by table, in load order ----------------------------------------------

    def language_id(self, position: int) -> str:
        """The id of ``LANGUAGES[position]``."""
        return self.id("i18n.languages", position, self.anchor - 4 * YEAR)

    def category_id(self, position: int) -> str:
        """The id of ``CATEGORIES[position]``."""
        return self.id("catalog.categories", position, self.anchor - 4 * YEAR)

    def user_id(self, n: int) -> str:
        """The id of user ``n``."""
        return self.id("users.users", n, self.user_created[n])

    def business_id(self, n: int) -> str:
        """The id of business ``n``."""
        return self.id("business.businesses", n, self.business_created[n])

    def voucher_id(self, n: int) -> str:
        """The id of voucher ``n``."""
        return self.id("marketplace.vouchers", n, self.voucher_created[n])

    def code_id(self, n: int) -> str:
        """The id of voucher ``n``'s code (if it has one)."""
        return self.id("marketplace.voucher_codes", n, self.voucher_created[n])

    def redemption_id(self, n: int) -> str:
        """The id of redemption ``n``."""
        return self.id("marketplace.redemptions", n, self.redemption_at[n])

    def translation_id(self, voucher: int, language: int, field: int) -> str:
        """The id of one text of a voucher: its slot is unique, taken or not."""
        slot = (voucher * len(LANGUAGES) + language) * len(FIELDS) + field
        return self.id("i18n.translations", slot, self.voucher_created[voucher])

    def language_rows(self) -> Iterator[str]:
        """The five languages; es-MX falls back to es, every chain ends in en."""
        created = self.stamp(self.anchor - 4 * YEAR)
        codes = [language[0] for language in LANGUAGES]
        for position, (code, name, native, config, fallback, _) in enumerate(LANGUAGES):
            fallback_id = self.language_id(codes.index(fallback)) if fallback else None
            yield (
                f"{self.language_id(position)}\t{created}\t{created}\t{code}\t{name}\t{native}\t"
                f"{'t' if position == 0 else 'f'}\tt\t{text(fallback_id)}\t{config}\n"
            )

    def category_rows(self) -> Iterator[str]:
        """The seed data's category tree."""
        created = self.stamp(self.anchor - 4 * YEAR)
        slugs = [slug for slug, _ in CATEGORIES]
        for position, (slug, parent) in enumerate(CATEGORIES):
            parent_id = self.category_id(slugs.index(parent)) if parent else None
            yield (
                f"{self.category_id(position)}\t{created}\t{created}\t{slug}\t"
                f"category.{slug}.name\t\\N\t{position}\tt\t{text(parent_id)}\n"
            )

    def leaf_categories(self) -> list[int]:
        """Positions of the categories without children (businesses use these)."""
        parents = {parent for _, parent in CATEGORIES}
        return [n for n, (slug, _) in enumerate(CATEGORIES) if slug not in parents]

    def user_rows(self) -> Iterator[str]:
        """The users, oldest first."""
        rng = self.stream("users.rows")
        roles = ("customer", "business", "admin")
        for n in range(self.sizes.users):
            created = self.stamp(self.user_created[n])
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            status = USER_STATUSES[self.user_status[n]]
            login = self.user_created[n] + rng.randrange(DAY, 2 * YEAR)
            last_login = self.stamp(login) if login < self.anchor and status == "active" else None
            staff = "t" if self.user_role[n] == 2 else "f"
            # No usable password ("!"): hashing 200,000 of them would dominate the build.
            yield (
                f"{text(last_login)}\t{self.user_id(n)}\t{created}\t{created}\t"
                f"{first.lower()}.{last.lower()}.{n}@bench.example\t!\t{first}\t{last}\t"
                f"{roles[self.user_role[n]]}\t{status}\t{staff}\tf\n"
            )

    def business_rows(self) -> Iterator[str]:
        """The businesses, at their planned places, oldest first."""
        rng = self.stream("businesses.rows")
        leaves = self.leaf_categories()
        for n in range(self.sizes.businesses):
            business_id = self.business_id(n)
            created = self.business_created[n]
            verification = rng.choices(STATUSES_OF_BUSINESS, (30, 10, 55, 5))[0]
            verified_at = (
                self.stamp(created + rng.randrange(DAY, 30 * DAY))
                if verification == "verified"
                else None
            )
            point = f"SRID=4326;POINT({self.business_lng[n]} {self.business_lat[n]})"
            yield (
                f"{business_id}\t{self.stamp(created)}\t{self.stamp(created)}\t"
                f"business.{business_id}.name\t\\N\t{point}\t\\N\t"
                f"{'t' if self.business_active[n] else 'f'}\t"
                f"{self.category_id(rng.choice(leaves))}\t"
                f"{self.user_id(self.business_owner[n])}\t\\N\t{verification}\t"
                f"{text(verified_at)}\t\\N\n"
            )

    def staff_rows(self) -> Iterator[str]:
        """Each business's owner as its owner on staff; a fifth have a manager too."""
        rng = self.stream("staff")
        row = 0
        for n in range(self.sizes.businesses):
            created = self.stamp(self.business_created[n])
            owner = self.business_owner[n]
            members = [(owner, "owner")]
            manager = rng.choice(self.owners)
            if rng.random() < 0.2 and manager != owner:
                members.append((manager, "manager"))
            for user, role in members:
                staff_id = self.id("business.staff_memberships", row, self.business_created[n])
                row += 1
                yield (
                    f"{staff_id}\t{created}\t{created}\t{role}\t"
                    f"{self.business_id(n)}\t{self.user_id(user)}\n"
                )

    def voucher_rows(self) -> Iterator[str]:
        """The vouchers, with their counters equal to their live redemptions."""
        rng = self.stream("vouchers.rows")
        for n in range(self.sizes.vouchers):
            voucher_id = self.voucher_id(n)
            created = self.stamp(self.voucher_created[n])
            if rng.random() < 0.6:
                kind, value, currency = "percentage", rng.choice((5, 10, 15, 20, 25, 30, 50)), None
            else:
                kind, value = "fixed", rng.randrange(200, 20_000) / 100
                currency = rng.choice(CURRENCIES)
            keys = "\t".join(f"voucher.{voucher_id}.{field}" for field in FIELDS)
            limit = self.voucher_max[n] or None
            yield (
                f"{voucher_id}\t{created}\t{created}\t{STATES[self.voucher_state[n]]}\t{keys}\t"
                f"{kind}\t{value}\t{self.stamp(self.voucher_from[n])}\t"
                f"{self.stamp(self.voucher_expires[n])}\t{text(limit)}\t"
                f"{self.voucher_per_user[n]}\t"
                f"{self.business_id(self.voucher_business[n])}\t{text(currency)}\n"
            )

    def slice_rows(self) -> Iterator[str]:
        """Each voucher's one redemption slice: its whole capacity, its live redemptions
        (what the vouchers' and the ledger's triggers, off during the load, would write)."""
        for n in range(self.sizes.vouchers):
            limit = self.voucher_max[n] or None
            yield f"{self.voucher_id(n)}\t0\t0\t{text(limit)}\t{self.voucher_count[n]}\n"

    def code_rows(self) -> Iterator[str]:
        """One code for each voucher planned to have one, counting its redemptions."""
        rng = self.stream("codes")
        seen = set()
        for n in range(self.sizes.vouchers):
            if not self.voucher_code[n]:
                continue
            code = "".join(rng.choices(CODE_ALPHABET, k=10))
            while code in seen:
                code = "".join(rng.choices(CODE_ALPHABET, k=10))
            seen.add(code)
            created = self.stamp(self.voucher_created[n])
            single = "t" if self.voucher_code[n] == 2 else "f"
            yield (
                f"{self.code_id(n)}\t{created}\t{created}\t{code}\t{single}\t"
                f"{self.code_count[n]}\t{self.voucher_id(n)}\n"
            )

    def translation_rows(self) -> Iterator[str]:
        """Each voucher's texts in its languages (terms absent in es-MX: it falls back)."""
        rng = self.stream("translations")
        languages = [self.language_id(position) for position in range(len(LANGUAGES))]
        codes = [language[0] for language in LANGUAGES]
        yield from self._category_translations(languages, codes)
        yield from self._business_translations(languages[0])
        for n in range(self.sizes.vouchers):
            voucher_id = self.voucher_id(n)
            created = self.stamp(self.voucher_created[n])
            discount = f"{rng.choice((10, 15, 20, 25, 30, 50))}%"
            adjective = rng.randrange(len(ADJECTIVES))
            city = CITIES[self.business_city[self.voucher_business[n]]][0]
            mask = self.voucher_languages[n]
            for position, code in enumerate(codes):
                if not mask >> position & 1:
                    continue
                column = COLUMN[code]
                words = {
                    "discount": discount,
                    "product": PRODUCTS[self.voucher_product[n]][column],
                    "adjective": ADJECTIVES[adjective][column],
                    "city": city,
                }
                texts = (
                    TITLES[code].format(**words),
                    DESCRIPTIONS[code].format(**words),
                    TERMS.get(code),
                )
                for field, value in enumerate(texts):
                    if value is None:
                        continue
                    verified = "t" if position == 0 or rng.random() < 0.5 else "f"
                    yield (
                        f"{self.translation_id(n, position, field)}\t{created}\t{created}\t"
                        f"voucher.{voucher_id}.{FIELDS[field]}\t{value}\tvoucher\t{verified}\t"
                        f"{languages[position]}\n"
                    )

    def _category_translations(self, languages: list[str], codes: list[str]) -> Iterator[str]:
        created = self.stamp(self.anchor - 4 * YEAR)
        for position, (slug, _) in enumerate(CATEGORIES):
            for language, code in enumerate(codes):
                row_id = self.id(
                    "i18n.translations.categories", position * 10 + language, self.anchor - 4 * YEAR
                )
                name = slug.replace("-", " & ").capitalize()
                yield (
                    f"{row_id}\t{created}\t{created}\tcategory.{slug}.name\t{name} [{code}]\t"
                    f"category\tt\t{languages[language]}\n"
                )

    def _business_translations(self, default_language: str) -> Iterator[str]:
        rng = self.stream("businesses.names")
        for n in range(self.sizes.businesses):
            business_id = self.business_id(n)
            created = self.stamp(self.business_created[n])
            product = PRODUCTS[rng.randrange(len(PRODUCTS))][0].title()
            name = f"{rng.choice(ADJECTIVES)[0].title()} {product} {rng.choice(LAST_NAMES)}"
            row_id = self.id("i18n.translations.businesses", n, self.business_created[n])
            yield (
                f"{row_id}\t{created}\t{created}\tbusiness.{business_id}.name\t{name}\t"
                f"business\tt\t{default_language}\n"
            )

    def redemption_rows(self) -> Iterator[str]:
        """The planned redemptions, some reversed, most at their business."""
        rng = self.stream("redemptions.rows")
        for n in range(len(self.redemption_voucher)):
            voucher = self.redemption_voucher[n]
            flags = self.redemption_flags[n]
            at = self.redemption_at[n]
            location = None
            if flags & 4:
                business = self.voucher_business[voucher]
                lng = self.business_lng[business] + rng.gauss(0, 0.0005)
                lat = self.business_lat[business] + rng.gauss(0, 0.0005)
                location = f"SRID=4326;POINT({lng:.6f} {lat:.6f})"
            status, reversed_at, updated = "redeemed", None, at
            if flags & 1:
                updated = min(self.anchor - 1, at + rng.randrange(60, 3 * DAY))
                status, reversed_at = "reversed", self.stamp(updated)
            code = self.code_id(voucher) if flags & 2 else None
            yield (
                f"{self.redemption_id(n)}\t{self.stamp(at)}\t{self.stamp(updated)}\t"
                f"{self.stamp(at)}\t{text(location)}\t{status}\t{text(reversed_at)}\t"
                f"r-{n}\t{self.user_id(self.redemption_user[n])}\t"
                f"{self.voucher_id(voucher)}\t{text(code)}\n"
            )

    def audit_rows(self) -> Iterator[str]:
        """The history the audit trigger would have written, oldest first.

        Row hashes are the database's own: the log's digest trigger stays on during the load.
        """
        rng = self.stream("audit")
        count = self.sizes.audit_rows
        start = self.anchor - 2 * YEAR
        step = 2 * YEAR / count
        at = float(start)
        kinds, weights = zip(*AUDIT_KINDS, strict=True)
        cumulative = list(itertools.accumulate(weights))
        for n in range(count):
            at += rng.expovariate(1 / step)
            seconds = min(int(at), self.anchor - 1)
            kind = rng.choices(kinds, cum_weights=cumulative)[0]
            action, table, record, actor, changes = self._audit_entry(rng, kind, seconds)
            ip = f"203.0.{rng.randrange(113, 120)}.{rng.randrange(1, 255)}" if actor else None
            agent = rng.choice(USER_AGENTS) if actor else "manage.py"
            yield (
                f"{self.id('audit.audit_logs', n, seconds)}\t{action}\t{table}\t{record}\t"
                f"{json.dumps(changes, ensure_ascii=False)}\t{text(ip)}\t{agent}\t"
                f"{self.stamp(seconds)}\t{text(actor)}\n"
            )

    def _audit_entry(self, rng: random.Random, kind: str, seconds: int):
        """(action, table, record id, acting user id, changes) of one audit row."""
        if kind == "redemption":
            if len(self.redemption_voucher):
                n = rng.randrange(len(self.redemption_voucher))
                voucher = self.voucher_id(self.redemption_voucher[n])
                user = self.user_id(self.redemption_user[n])
                changes = {"status": {"new": "redeemed"}, "voucher_id": {"new": voucher}}
                return "INSERT", "marketplace.redemptions", self.redemption_id(n), user, changes
            kind = "voucher_state"
        if kind == "user_login":
            n = self._created_before(self.user_created, seconds, rng)
            user = self.user_id(n)
            changes = {"last_login": {"new": self.stamp(seconds), "old": None}}
            return "UPDATE", "users.users", user, user, changes
        if kind == "user_insert":
            n = self._created_before(self.user_created, seconds, rng)
            changes = {"role": {"new": "customer"}, "status": {"new": "unconfirmed"}}
            return "INSERT", "users.users", self.user_id(n), None, changes
        if kind == "business_insert":
            n = self._created_before(self.business_created, seconds, rng)
            owner = self.user_id(self.business_owner[n])
            changes = {"owner_id": {"new": owner}, "is_active": {"new": True}}
            return "INSERT", "business.businesses", self.business_id(n), owner, changes
        n = self._created_before(self.voucher_created, seconds, rng)
        owner = self.user_id(self.business_owner[self.voucher_business[n]])
        voucher = self.voucher_id(n)
        if kind == "voucher_insert":
            business = self.business_id(self.voucher_business[n])
            changes = {"state": {"new": "draft"}, "business_id": {"new": business}}
            return "INSERT", "marketplace.vouchers", voucher, owner, changes
        if kind == "voucher_state":
            changes = {"state": {"new": STATES[self.voucher_state[n]], "old": "draft"}}
            return "UPDATE", "marketplace.vouchers", voucher, owner, changes
        field = rng.randrange(len(FIELDS))
        key = f"voucher.{voucher}.{FIELDS[field]}"
        changes = {"key": {"new": key}, "language_id": {"new": self.language_id(0)}}
        return "INSERT", "i18n.translations", self.translation_id(n, 0, field), owner, changes

    @staticmethod
    def _created_before(created: array, seconds: int, rng: random.Random) -> int:
        """A random row among those created before ``seconds`` (the first one if none)."""
        return rng.randrange(max(1, bisect.bisect_right(created, seconds)))


DRAFT, PUBLISHED, PAUSED, EXPIRED, ARCHIVED = range(5)
STATES = ("draft", "published", "paused", "expired", "archived")
USER_STATUSES = ("unconfirmed", "active", "suspended", "banned")
STATUSES_OF_BUSINESS = ("unverified", "pending", "verified", "rejected")
AUDIT_KINDS = [
    ("redemption", 40),
    ("voucher_insert", 15),
    ("voucher_state", 15),
    ("translation", 12),
    ("user_login", 10),
    ("user_insert", 5),
    ("business_insert", 3),
]

# What each table is loaded from, in load order: (table, columns of the rows, DataSet method).
LOAD_ORDER = [
    (
        "i18n.languages",
        "id, created_at, updated_at, code, name, native_name, is_default, is_active, fallback_id,"
        " search_config",
        "language_rows",
    ),
    (
        "catalog.categories",
        "id, created_at, updated_at, slug, name_key, description_key, sort_order, is_active,"
        " parent_id",
        "category_rows",
    ),
    (
        "users.users",
        "last_login, id, created_at, updated_at, email, password_hash, first_name, last_name, role,"
        " status, is_staff, is_superuser",
        "user_rows",
    ),
    (
        "business.businesses",
        "id, created_at, updated_at, business_name_key, business_description_key, location,"
        " service_area, is_active, category_id, owner_id, logo_id, verification_status,"
        " verified_at, verified_by_id",
        "business_rows",
    ),
    (
        "business.staff_memberships",
        "id, created_at, updated_at, role, business_id, user_id",
        "staff_rows",
    ),
    (
        "marketplace.vouchers",
        "id, created_at, updated_at, state, title_key, description_key, terms_key, discount_type,"
        " discount_value, valid_from, expires_at, max_redemptions, max_per_user, business_id,"
        " currency",
        "voucher_rows",
    ),
    (
        "marketplace.voucher_redemption_slices",
        "voucher_id, slice, depth, capacity, taken",
        "slice_rows",
    ),
    (
        "marketplace.voucher_codes",
        "id, created_at, updated_at, code, is_single_use, redemption_count, voucher_id",
        "code_rows",
    ),
    (
        "i18n.translations",
        "id, created_at, updated_at, key, value, domain, verified, language_id",
        "translation_rows",
    ),
    (
        "marketplace.redemptions",
        "id, created_at, updated_at, redeemed_at, location, status, reversed_at, idempotency_key,"
        " user_id, voucher_id, code_id",
        "redemption_rows",
    ),
    (
        "audit.audit_logs",
        "id, action, table_name, record_id, changes, ip_address, user_agent, timestamp, user_id",
        "audit_rows",
    ),
]
