"""The house's rules hold: services know nothing of HTTP, blueprints or Celery, and commit only where they must act
exactly once per item (complaints/services/__init__.py says where and why)."""

from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parent.parent / "complaints" / "services"

#: Modules a service must not import: the web layer and the task layer sit above the rules.
FORBIDDEN_MODULES = (
    "complaints.blueprints",
    "complaints.tasks",
    "complaints.web",
    "complaints.access",
    "complaints.pages",
)
#: Flask's request and response objects and helpers: a service never reads a request nor builds a response.
FORBIDDEN_FLASK_NAMES = frozenset(
    {
        "request",
        "session",
        "g",
        "Response",
        "make_response",
        "send_file",
        "send_from_directory",
        "stream_with_context",
        "jsonify",
        "abort",
        "redirect",
        "flash",
        "url_for",
        "has_request_context",
    }
)
#: Werkzeug's request data structures (a form's MultiDict, an uploaded FileStorage): services take plain data.
FORBIDDEN_WERKZEUG = "werkzeug.datastructures"
#: Where a service commits per item, each listed with its reason in complaints/services/__init__.py.
COMMITS_PER_ITEM = {
    "casework/sweep.py",
    "core/outbox.py",
    "portal/inbox.py",
    "portal/joint_reviews.py",
    "compliance/region_report.py",
    "privacy/retention.py",
}


def service_modules():
    return sorted(SERVICES.rglob("*.py"))


def imports_of(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                yield node.module, alias.name


def forbidden_imports(path: Path) -> list[str]:
    return [
        f"{module}{'.' + name if name else ''}"
        for module, name in imports_of(path)
        if module.startswith(FORBIDDEN_MODULES)
        or module == FORBIDDEN_WERKZEUG
        or (module == "flask" and name in FORBIDDEN_FLASK_NAMES)
    ]


def test_services_import_no_blueprint_task_or_request_object():
    found = {str(path.relative_to(SERVICES)): forbidden_imports(path) for path in service_modules()}
    assert {module: names for module, names in found.items() if names} == {}


def test_services_commit_only_where_they_must_act_once_per_item():
    committing = {
        str(path.relative_to(SERVICES))
        for path in service_modules()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute) and node.attr == "commit"
    }
    assert committing <= COMMITS_PER_ITEM, committing - COMMITS_PER_ITEM
    documented = (SERVICES / "__init__.py").read_text()
    for module in COMMITS_PER_ITEM:
        assert module.removesuffix(".py").replace("/", ".") in documented, module


def test_the_layout_test_sees_a_forbidden_import(tmp_path):
    """The check above cannot pass vacuously: it recognises each kind of forbidden import."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from flask import current_app, request\nimport complaints.tasks\n"
        "from werkzeug.datastructures import MultiDict\n"
        "def f():\n    from complaints.blueprints.api import representations\n"
    )
    assert forbidden_imports(sample) == [
        "flask.request",
        "complaints.tasks",
        "werkzeug.datastructures.MultiDict",
        "complaints.blueprints.api.representations",
    ]
