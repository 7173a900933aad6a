"""SQLAlchemy 2 + GeoAlchemy2 models mapped onto the project's own tables, as a Python team
without Django would write them: only what the benchmark's queries read."""

import uuid
from datetime import datetime
from decimal import Decimal

from geoalchemy2 import Geography
from sqlalchemy import ForeignKey, String, Text, create_engine
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.engine import URL, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """The declarative base of the mapped tables."""


class Business(Base):
    """``business.businesses``."""

    __tablename__ = "businesses"
    __table_args__ = {"schema": "business"}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    business_name_key: Mapped[str] = mapped_column(String(255))
    business_description_key: Mapped[str | None] = mapped_column(String(255))
    location = mapped_column(Geography("POINT", srid=4326, spatial_index=False), nullable=True)
    service_area = mapped_column(
        Geography("POLYGON", srid=4326, spatial_index=False), nullable=True
    )
    is_active: Mapped[bool]
    category_id: Mapped[uuid.UUID]
    owner_id: Mapped[uuid.UUID]
    logo_id: Mapped[uuid.UUID | None]
    verification_status: Mapped[str] = mapped_column(String(20))
    verified_at: Mapped[datetime | None]
    verified_by_id: Mapped[uuid.UUID | None]


class PublicLocation(Base):
    """``business.public_locations``: active businesses' locations, without row level
    security, for nearby searches."""

    __tablename__ = "public_locations"
    __table_args__ = {"schema": "business"}

    business_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(Business.id), primary_key=True)
    location = mapped_column(Geography("POINT", srid=4326, spatial_index=False))


class Voucher(Base):
    """``marketplace.vouchers``."""

    __tablename__ = "vouchers"
    __table_args__ = {"schema": "marketplace"}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    business_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business.businesses.id"))
    state: Mapped[str] = mapped_column(String(20))
    title_key: Mapped[str] = mapped_column(String(255))
    description_key: Mapped[str] = mapped_column(String(255))
    terms_key: Mapped[str] = mapped_column(String(255))
    discount_type: Mapped[str] = mapped_column(String(20))
    discount_value: Mapped[Decimal]
    currency: Mapped[str | None] = mapped_column(String(3))
    valid_from: Mapped[datetime]
    expires_at: Mapped[datetime]
    max_redemptions: Mapped[int | None]
    max_per_user: Mapped[int]

    business: Mapped[Business] = relationship(lazy="raise")


class Language(Base):
    """``i18n.languages``."""

    __tablename__ = "languages"
    __table_args__ = {"schema": "i18n"}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10))
    is_default: Mapped[bool]
    is_active: Mapped[bool]
    fallback_id: Mapped[uuid.UUID | None]
    search_config: Mapped[str] = mapped_column(String(20))


class Translation(Base):
    """``i18n.translations``."""

    __tablename__ = "translations"
    __table_args__ = {"schema": "i18n"}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255))
    language_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("i18n.languages.id"))
    value: Mapped[str] = mapped_column(Text)


class VoucherSearchDocument(Base):
    """``marketplace.voucher_search_documents``."""

    __tablename__ = "voucher_search_documents"
    __table_args__ = {"schema": "marketplace"}

    voucher_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("marketplace.vouchers.id"), primary_key=True
    )
    language_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("i18n.languages.id"), primary_key=True
    )
    document = mapped_column(TSVECTOR)
    content: Mapped[str] = mapped_column(Text)


def engine_for(
    *, host: str, port: int, database: str, user: str, password: str, statement_timeout_ms: int
) -> Engine:
    """An engine with a small pool, as a web process would hold, and the project's
    statement timeout and jit setting."""
    url = URL.create(
        "postgresql+psycopg",
        username=user,
        password=password,
        host=host,
        port=port,
        database=database,
    )
    options = f"-c statement_timeout={statement_timeout_ms} -c jit=off"
    return create_engine(url, pool_size=2, connect_args={"options": options})
