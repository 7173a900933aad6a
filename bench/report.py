"""The benchmark's output: a table for people, the same figures as JSON for comparison."""

import datetime
import json
import os
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
LOGINS = {
    "web": "every implementation runs as the web does: the web's login, a vouched identity "
    "(anonymous; a business's owner for its own vouchers), application_role under row level "
    "security",
    "owner": "every implementation runs on the owner's login, which bypasses row level "
    "security (not how requests run: for comparison only)",
}


def machine(connection) -> dict:
    """Cores, memory, CPU, and the PostgreSQL and PostGIS versions of this run."""
    memory_kb = 0
    cpu = ""
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    postgres, postgis, shared_buffers = connection.execute(
        "SELECT current_setting('server_version'), postgis_lib_version(),"
        " current_setting('shared_buffers')"
    ).fetchone()
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "postgresql": postgres,
        "postgis": postgis,
        "shared_buffers": shared_buffers,
    }


def ratios(figures: list[dict]) -> None:
    """Add each implementation's p50 and p95 as multiples of the raw SQL's, same case."""
    raw = {f["name"]: f for f in figures if f["implementation"] == "raw"}
    for figure in figures:
        base = raw[figure["name"]]
        for key in ("p50", "p95"):
            figure[f"{key}_vs_raw"] = figure[f"{key}_ms"] / base[f"{key}_ms"]


def table(figures: list[dict], marker, login: str) -> str:
    """The figures as a fixed-width table, with the targets each misses marked."""
    header = (
        f"{'operation':<36} {'implementation':<14} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
        f" {'rows':>6} {'x raw p50':>9} {'x raw p95':>9}  target"
    )
    lines = [
        f"Scale {marker.scale}, seed {marker.seed}: {LOGINS[login]}.",
        header,
        "-" * len(header),
    ]
    for f in figures:
        target = f["target_p95_ms"]
        verdict = f"{f['failed']} of {f['iterations']} timed out; " if f["failed"] else ""
        if target is not None:
            verdict += f"p95 ≤ {target:g}: {'ok' if f['p95_ms'] <= target else 'MISSED'}"
        if f["implementation"] == "selector":
            verdict += f"; x raw ≤ 1.5: {'ok' if f['p95_vs_raw'] <= 1.5 else 'MISSED'}"
        lines.append(
            f"{f['name']:<36} {f['implementation']:<14} {f['p50_ms']:>8.2f} {f['p95_ms']:>8.2f}"
            f" {f['p99_ms']:>8.2f} {f['rows']:>6.1f} {f['p50_vs_raw']:>9.2f}"
            f" {f['p95_vs_raw']:>9.2f}  {verdict}"
        )
    return "\n".join(lines)


def results_path(marker, login: str) -> Path:
    """``bench/results/<UTC time>-scale<scale>-<login>.json``."""
    now = datetime.datetime.now(datetime.UTC)
    return RESULTS_DIR / f"{now:%Y%m%dT%H%M%SZ}-scale{marker.scale:g}-{login}.json"


def write_json(path: Path, figures: list[dict], marker, machine_facts: dict, options) -> None:
    """Write the run's figures to ``path`` (again after each case)."""
    RESULTS_DIR.mkdir(exist_ok=True)
    document = {
        "run_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "scale": marker.scale,
        "seed": marker.seed,
        "iterations": options.iterations,
        "warm_up": options.warm_up,
        "login": options.login,
        "identity": LOGINS[options.login],
        "machine": machine_facts,
        "operations": [{**figure, "scale": marker.scale} for figure in figures],
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
