"""The message catalogues against the code: every message the code marks is in each language's
catalogue, translated, not fuzzy, with the same placeholders and plural forms as the English.

The messages are extracted here with Babel's Python API and ``babel.cfg``, as ``make
translations`` does, so a string added to the code fails this test until it is translated
(docs/translating.md).
"""

from __future__ import annotations

import ast
import re
import string

import pytest
from babel.messages.catalog import Catalog, Message

from tests.catalogues import PACKAGE_DIR, extract_messages, read_catalogue

LANGUAGES = ("nb",)

_FORMATTER = string.Formatter()
_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]")


@pytest.fixture(scope="module")
def extracted() -> Catalog:
    return extract_messages()


def _ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (tuple, list)) else (message.id,)


def _strings(message: Message) -> tuple[str, ...]:
    value = message.string
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def placeholders(text: str) -> set[str]:
    """The ``str.format`` fields of ``text`` (``{name}``, ``{name!r}`` → ``name``; ``{}`` → ``""``)
    and any ``%`` conversions."""
    fields = {name for _literal, name, _spec, _conv in _FORMATTER.parse(text) if name is not None}
    return fields | set(_PERCENT.findall(text))


def _where(message: Message) -> str:
    return f"{_ids(message)[0]!r} ({', '.join(sorted({path for path, _ in message.locations}))})"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_in_the_code_is_translated(language: str, extracted: Catalog) -> None:
    catalogue = read_catalogue(language)
    missing, untranslated, fuzzy, plural_mismatch = [], [], [], []
    for message in extracted:
        if not message.id:
            continue
        found = catalogue.get(message.id, context=message.context)
        if found is None:
            missing.append(_where(message))
        elif found.fuzzy:
            fuzzy.append(_where(message))
        elif _ids(found) != _ids(message):
            plural_mismatch.append(_where(message))  # a plural in the code, a singular in the .po
        elif not all(_strings(found)):
            untranslated.append(_where(message))
    assert not missing, "not in the catalogue (run `make translations`):\n" + "\n".join(missing)
    assert not fuzzy, "fuzzy (check, then remove the fuzzy flag):\n" + "\n".join(fuzzy)
    assert not plural_mismatch, "singular/plural differs from the code:\n" + "\n".join(
        plural_mismatch
    )
    assert not untranslated, "untranslated:\n" + "\n".join(untranslated)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language: str) -> None:
    catalogue = read_catalogue(language)
    wrong = []
    for message in catalogue:
        if not message.id or not message.string:
            continue
        ids, strings = _ids(message), _strings(message)
        if len(ids) == 2 and len(strings) != catalogue.num_plurals:
            wrong.append(f"{ids[0]!r}: {len(strings)} forms; the language has "
                         f"{catalogue.num_plurals}")
            continue
        allowed = [placeholders(english) for english in ids]
        for form in strings:
            found = placeholders(form)
            # A plural form has the singular's or the plural's fields, or leaves the count out
            # of a form that means exactly one ("one item").
            if found not in allowed and not (len(ids) == 2 and found <= allowed[-1]):
                wrong.append(f"{ids[0]!r} → {form!r}: {sorted(found)} not {sorted(allowed[-1])}")
    assert not wrong, "placeholders differ from the English:\n" + "\n".join(wrong)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_declares_its_plural_forms(language: str) -> None:
    catalogue = read_catalogue(language)
    assert catalogue.plural_forms.startswith(f"nplurals={catalogue.num_plurals};")
    assert "plural=" in catalogue.plural_forms


def test_placeholders_of_the_test_itself() -> None:
    assert placeholders("Sent to {name} ({n!r}), {}") == {"name", "n", ""}
    assert placeholders("%(prog)s, version %(version)s") == {"%(prog)s", "%(version)s"}
    assert placeholders("{{literal}} only") == set()


def test_no_message_is_an_f_string_or_positional(extracted: Catalog) -> None:
    """Named placeholders only, so a translator can reorder them (Click's and Typer's own
    messages in ``commands/localized.py`` keep their authors' form)."""
    positional = [
        _where(m) for m in extracted
        if m.id and "" in placeholders(_ids(m)[0])
        and not all(path.endswith("commands/localized.py") for path, _ in m.locations)
    ]
    assert not positional, "positional placeholders:\n" + "\n".join(positional)


def _is_format_call(node: ast.expr) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format")


def test_no_translation_is_built_from_pieces() -> None:
    """``_(f"…")``, ``_("a" + b)`` or ``_("…".format(…))`` would never be found in the catalogue
    (Babel extracts literals only): the placeholders are filled in after ``_()``."""
    built = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "N_", "ngettext")):
                continue
            texts = node.args[:2] if node.func.id == "ngettext" else node.args[:1]
            if any(isinstance(a, (ast.JoinedStr, ast.BinOp)) or _is_format_call(a) for a in texts):
                built.append(f"{path.relative_to(PACKAGE_DIR.parent)}:{node.lineno}")
    assert not built, "translations built from pieces:\n" + "\n".join(built)
