"""docs/SECURITY.md names, for each privacy promise, the tests that prove it: each must exist,
so the page cannot go on citing a test that was renamed or removed."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECURITY = ROOT / "docs" / "SECURITY.md"
CITED = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
PROMISES = (
    "No identity number is stored in clear",
    "No phone number or exact location in any public answer",
    "No phone number, identity number or email in any log line",
    "Who sees what",
    "Reveals and moderators' actions are audited",
    "Retention periods",
    "Export",
    "Erase",
)


def _functions_in(path: Path) -> set[str]:
    """Every function defined at the top of a module: tests, and fixtures like the log scan."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def _sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_every_test_the_security_page_names_exists():
    cited = CITED.findall(SECURITY.read_text(encoding="utf-8"))
    assert len(cited) > 30
    missing = [
        f"{path}::{name}"
        for path, name in cited
        if not (ROOT / path).is_file() or name not in _functions_in(ROOT / path)
    ]
    assert missing == []


def test_each_promise_has_a_section_naming_at_least_one_test():
    sections = _sections(SECURITY.read_text(encoding="utf-8"))
    assert set(PROMISES) <= set(sections)
    assert [promise for promise in PROMISES if not CITED.search(sections[promise])] == []


def test_the_check_catches_a_test_that_does_not_exist():
    page = "`tests/test_security_doc.py::test_that_was_never_written`"
    [(path, name)] = CITED.findall(page)
    assert name not in _functions_in(ROOT / path)
    assert "test_every_test_the_security_page_names_exists" in _functions_in(ROOT / path)
