"""A post's status moves only through app/posts/lifecycle.py, by its table of transitions."""

import ast
import re
from pathlib import Path

import pytest

from app.posts import lifecycle
from app.posts.models import POST_STATUSES

ROOT = Path(__file__).parents[2]
# Where the application's code lives: every module that could write a post's status.
CODE = ("app", "moderation", "geo")
# `update(...).values(status=...)` on posts, written on one line or over several.
STATUS_IN_VALUES = re.compile(r"\.values\([^)]*\bstatus\s*=", re.S)


def _status_assignments(path: Path) -> list[int]:
    """Lines assigning a .status attribute of anything but a user (`x.status = ...`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr == "status":
                owner = ast.unparse(target.value)
                if owner != "user":
                    found.append(node.lineno)
    return found


def _sources():
    for folder in CODE:
        yield from (ROOT / folder).rglob("*.py")


def test_no_module_but_the_lifecycle_assigns_a_posts_status():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _sources()
        if path != ROOT / "app" / "posts" / "lifecycle.py"
        for line in _status_assignments(path)
    ]
    assert offenders == []


def test_no_module_but_the_lifecycle_updates_posts_status_in_sql():
    offenders = [
        str(path.relative_to(ROOT))
        for path in _sources()
        if path != ROOT / "app" / "posts" / "lifecycle.py"
        and "update(Post" in (text := path.read_text(encoding="utf-8"))
        and STATUS_IN_VALUES.search(text)
    ]
    assert offenders == []


def test_the_grep_would_catch_an_assignment(tmp_path):
    stray = tmp_path / "stray.py"
    stray.write_text("def f(post):\n    post.status = 'open'\n", encoding="utf-8")
    assert _status_assignments(stray) == [2]


@pytest.mark.parametrize("name", sorted(lifecycle.TRANSITIONS))
def test_every_transition_moves_between_known_states(name):
    transition = lifecycle.TRANSITIONS[name]
    assert transition.target in POST_STATUSES
    assert set(transition.sources) <= set(POST_STATUSES)
    assert transition.target not in transition.sources or name == "renew"


def test_nothing_leaves_deleted():
    assert all("deleted" not in t.sources for t in lifecycle.TRANSITIONS.values())
