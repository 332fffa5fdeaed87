"""The dependency rule: core imports no service; a service imports core and itself, never a
sibling. Only the entry points (CLI, all-in-one wiring, demo) import several services."""

from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[1] / "services"
DOMAIN_SERVICES = {"ingest", "hosts", "hunts", "escalation", "gateway"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def package_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "services" else None


def forbidden_edges() -> list[str]:
    problems = []
    for path in sorted(SERVICES.rglob("*.py")):
        owner = path.relative_to(SERVICES).parts[0]
        if owner not in DOMAIN_SERVICES | {"core"}:
            continue  # entry points may wire several services together
        for module in imported_modules(path):
            target = package_of(module)
            if target is None or target == owner:
                continue
            if owner == "core" and target != "core":
                problems.append(
                    f"{path.relative_to(SERVICES)} imports {module} (core imports no service)"
                )
            elif owner != "core" and target in DOMAIN_SERVICES:
                problems.append(f"{path.relative_to(SERVICES)} imports sibling {module}")
    return problems


def test_services_never_import_each_other() -> None:
    assert forbidden_edges() == []


def test_the_checker_sees_a_forbidden_edge(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("from services.hunts import store\nimport services.core.auth\n")
    assert "services.hunts" in imported_modules(sample)
    assert package_of("services.hunts.store") == "hunts"
