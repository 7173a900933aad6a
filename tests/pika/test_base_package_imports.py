"""The base package `pika/` imports no domain app, so that every app can build on it.

The exceptions are the places where the project wires its apps together: the settings, the
URL configuration, migrations that freeze app data, and the cross-domain data generator.
"""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

PIKA = Path(settings.BASE_DIR) / "pika"
WIRING = {"settings.py", "urls.py", "datagen.py", "generate_data.py"}


def domain_apps() -> set[str]:
    return {
        config.name
        for config in apps.get_app_configs()
        if getattr(config, "schema", None) and config.name != "pika"
    }


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_the_base_package_imports_no_domain_app():
    domains = domain_apps()
    assert "marketplace" in domains
    offenders = {}
    for path in PIKA.rglob("*.py"):
        if "migrations" in path.parts or path.name in WIRING:
            continue
        imported = {name for name in imported_modules(path) if name.split(".")[0] in domains}
        if imported:
            offenders[str(path.relative_to(PIKA))] = sorted(imported)
    assert offenders == {}
