"""The string catalogue: every problem speaks both languages and is documented for clients."""

import os
import re

import pytest

from app.i18n import _messages

DOCS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "docs", "problems.md")
PROBLEMS = _messages()["problems"]


@pytest.mark.parametrize("code", sorted(PROBLEMS))
def test_every_problem_has_both_languages_and_a_status(code):
    entry = PROBLEMS[code]
    assert 400 <= entry["status"] < 600
    for part in ("title", "detail"):
        assert entry[part]["zh"] and entry[part]["en"]


@pytest.mark.parametrize("code", sorted(PROBLEMS))
def test_every_problem_code_is_documented_for_clients_once(code):
    with open(DOCS, encoding="utf-8") as handle:
        assert handle.read().count(f"| `{code}` |") == 1


def test_docs_list_no_problem_code_the_service_does_not_have():
    with open(DOCS, encoding="utf-8") as handle:
        documented = set(re.findall(r"^\| `(\w+)` \|", handle.read(), flags=re.MULTILINE))
    assert documented - set(PROBLEMS) == set()
