"""The benchmarked operations, one module each.

A module has ``cases(context) -> list[Case]``; a case names its parameters (one set per
iteration, taken in turn) and the same answer computed each way (`bench.stacks`). Another
operation (redemption throughput, the API, the admin) is another module added to
``OPERATIONS``, with cases of its own shape if it needs one.
"""

import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field

OPERATIONS = ("nearby", "business_vouchers", "translations", "search")


@dataclass
class Context:
    """What cases are built from: the owner's connection to sample parameters, a seeded
    random stream, and the scale."""

    connection: object
    rng: random.Random
    scale: float


@dataclass
class Case:
    """One benchmarked question, answered by each implementation.

    Each function of ``run`` takes the implementation's handle (a psycopg cursor, a
    SQLAlchemy session, nothing for Django) and one parameter set, and returns the answer as
    comparable values (ids in order), so that the three answers can be checked equal.
    ``acting_user`` picks the user a parameter set acts for (None: anonymous).
    """

    operation: str
    name: str
    params: list[dict]
    run: dict[str, Callable]
    acting_user: Callable[[dict], object] = field(default=lambda params: None)
    # p95 targets in ms, by implementation.
    targets: dict[str, float] = field(default_factory=dict)


def cases(name: str, context: Context) -> list[Case]:
    """The cases of the operation module ``name``."""
    return importlib.import_module(f"bench.operations.{name}").cases(context)
