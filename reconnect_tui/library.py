"""Built-in content: information pages, guided exercises and the local-links page.

The Markdown lives in ``reconnect_tui/content/<language>/{info,exercises}/*.md`` and is read
with ``importlib.resources``, so it works from a wheel or a zip. Each file starts with a small
front-matter block of ``key: value`` lines between ``---`` lines (parsed here; no YAML).

A translation may be partial: a page missing in ``nb`` is taken from ``en``. Without a
``language`` argument the active one is used (``i18n.current_language``). The local-links page
can be replaced by a community's own file (``RECONNECT_LOCAL_LINKS=path``, or
``local-links.md`` in the user config dir); see ``content/README.md``.

Nothing here does I/O at import time, and nothing imports Textual.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from reconnect_tui.errors import NotFound, ReconnectError
from reconnect_tui.i18n import _, current_language

DEFAULT_LANGUAGE = "en"
CATEGORIES = ("mindfulness", "breathing", "sleep", "coping", "strengths")
"""Exercise categories, in the order they are listed."""

LOCAL_LINKS_SLUG = "local-links"
LOCAL_LINKS_ENV = "RECONNECT_LOCAL_LINKS"
LOCAL_LINKS_FILENAME = "local-links.md"
BUILTIN_PREFIX = "builtin:"

_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CHECKLIST_RE = re.compile(r"^\s*[-*+]\s+\[[ xX]\]\s+(\S.*?)\s*$")
_LIST_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
_LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*$")


class ContentError(ReconnectError):
    """A content file is malformed (the message names the file and, where known, the line)."""


@dataclass(frozen=True)
class Page:
    """An information page. ``source`` names the file it came from: ``builtin:<path>`` for
    package content, else the override file's path. ``notice`` is a short user-facing note
    (empty unless an override file could not be used)."""

    slug: str
    title: str
    order: int
    body: str
    source: str = ""
    notice: str = ""

    @property
    def builtin(self) -> bool:
        return self.source.startswith(BUILTIN_PREFIX)


@dataclass(frozen=True)
class ExerciseText:
    """A guided exercise. ``timer`` holds the phases of one round as ``(label, seconds)``
    (labels already translated) and ``rounds`` how many rounds; both are None without a timer."""

    slug: str
    title: str
    category: str
    minutes: int
    body: str
    timer: tuple[tuple[str, int], ...] | None = None
    rounds: int | None = None
    source: str = ""

    @property
    def total_seconds(self) -> int | None:
        """Length of the animated part, or None for an exercise without a timer."""
        if self.timer is None or self.rounds is None:
            return None
        return self.rounds * sum(seconds for _label, seconds in self.timer)


# --- parsing (pure) -------------------------------------------------------------------------


def parse_front_matter(text: str, name: str) -> tuple[dict[str, str], str]:
    """Split ``text`` into its front-matter fields and the Markdown body.

    ``name`` is only used in error messages. Raises ContentError on a missing or unclosed
    block, a line that is not ``key: value``, or a repeated key.
    """
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        raise ContentError(_("{name}: must start with a '---' front-matter line").format(name=name))
    fields: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        stripped = line.strip()
        if stripped == "---":
            body = "\n".join(lines[number:]).strip("\n")
            return fields, body + "\n" if body else ""
        if not stripped or stripped.startswith("#"):
            continue
        key, sep, value = stripped.partition(":")
        key = key.strip().lower()
        if not sep or not key or " " in key:
            raise ContentError(
                _("{name}: line {line}: expected 'key: value'").format(name=name, line=number)
            )
        if key in fields:
            raise ContentError(
                _("{name}: line {line}: '{key}' is given twice").format(
                    name=name, line=number, key=key
                )
            )
        fields[key] = value.strip()
    raise ContentError(_("{name}: the front-matter has no closing '---' line").format(name=name))


def _required(fields: Mapping[str, str], key: str, name: str) -> str:
    value = fields.get(key, "")
    if not value:
        raise ContentError(_("{name}: front-matter needs '{key}'").format(name=name, key=key))
    return value


def _integer(fields: Mapping[str, str], key: str, name: str, minimum: int) -> int:
    raw = _required(fields, key, name)
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ContentError(
            _("{name}: '{key}' must be a whole number of at least {minimum}").format(
                name=name, key=key, minimum=minimum
            )
        )
    return value


def _slug(fields: Mapping[str, str], name: str, expected: str | None) -> str:
    slug = _required(fields, "slug", name)
    if not _SLUG_RE.match(slug):
        raise ContentError(
            _("{name}: slug '{slug}' may hold only a-z, 0-9 and single dashes").format(
                name=name, slug=slug
            )
        )
    if expected is not None and slug != expected:
        raise ContentError(
            _("{name}: slug '{slug}' must match the file name '{expected}'").format(
                name=name, slug=slug, expected=expected
            )
        )
    return slug


def _body(body: str, name: str) -> str:
    if not body.strip():
        message = _("{name}: the page has no text after the front-matter")
        raise ContentError(message.format(name=name))
    return body


def _phase_label(word: str) -> str:
    known = {"in": _("Breathe in"), "out": _("Breathe out"), "hold": _("Hold")}
    return known.get(word.lower(), word)


def parse_timer(spec: str, name: str) -> tuple[tuple[str, int], ...]:
    """Parse a ``timer:`` value into phases.

    Two forms: ``box 4 4 4 4`` (in, hold, out, hold) or a comma list of ``label seconds``
    pairs, e.g. ``in 4, hold 7, out 8``; the labels ``in``, ``out`` and ``hold`` are translated.
    """
    error = ContentError(
        _("{name}: timer '{spec}' should look like 'box 4 4 4 4' or 'in 4, out 6'").format(
            name=name, spec=spec
        )
    )
    words = spec.split()
    phases: list[tuple[str, int]] = []
    if words and words[0].lower() == "box":
        if len(words) != 5:
            raise error
        labels = ("in", "hold", "out", "hold")
        pairs = list(zip(labels, words[1:], strict=True))
    else:
        pairs = []
        for part in spec.split(","):
            label, _sep, seconds = part.strip().rpartition(" ")
            if not label.strip():
                raise error
            pairs.append((label.strip(), seconds))
    for label, seconds in pairs:
        if not seconds.isdigit() or not 1 <= int(seconds) <= 60:
            raise error
        phases.append((_phase_label(label), int(seconds)))
    if not phases:
        raise error
    return tuple(phases)


def parse_page(text: str, name: str, expected_slug: str | None = None, source: str = "") -> Page:
    """Build a Page from a Markdown file's text (``name`` appears in error messages)."""
    fields, body = parse_front_matter(text, name)
    return Page(
        slug=_slug(fields, name, expected_slug),
        title=_required(fields, "title", name),
        order=_integer(fields, "order", name, minimum=0),
        body=_body(body, name),
        source=source,
    )


def parse_exercise(
    text: str, name: str, expected_slug: str | None = None, source: str = ""
) -> ExerciseText:
    """Build an ExerciseText from a Markdown file's text."""
    fields, body = parse_front_matter(text, name)
    category = _required(fields, "category", name).lower()
    if category not in CATEGORIES:
        raise ContentError(
            _("{name}: category '{category}' is not one of: {allowed}").format(
                name=name, category=category, allowed=", ".join(CATEGORIES)
            )
        )
    timer = parse_timer(fields["timer"], name) if fields.get("timer") else None
    rounds = None
    if timer is not None:
        rounds = _integer(fields, "rounds", name, minimum=1) if "rounds" in fields else 1
    elif "rounds" in fields:
        raise ContentError(_("{name}: 'rounds' needs a 'timer'").format(name=name))
    return ExerciseText(
        slug=_slug(fields, name, expected_slug),
        title=_required(fields, "title", name),
        category=category,
        minutes=_integer(fields, "minutes", name, minimum=1),
        body=_body(body, name),
        timer=timer,
        rounds=rounds,
        source=source,
    )


def checklist_items(markdown: str) -> list[str]:
    """The text of each ``- [ ]`` (or ``- [x]``) line of a Markdown checklist, in order.

    An item's indented continuation lines are joined onto it with single spaces.
    """
    items: list[str] = []
    in_item = False
    for line in markdown.splitlines():
        match = _CHECKLIST_RE.match(line)
        if match:
            items.append(match.group(1))
            in_item = True
        elif in_item and line[:1].isspace() and line.strip() and not _LIST_RE.match(line):
            items[-1] = f"{items[-1]} {line.strip()}"
        else:
            in_item = False
    return items


# --- package content -----------------------------------------------------------------------


def _content_root() -> Traversable:
    return resources.files("reconnect_tui").joinpath("content")


def _language_chain(language: str) -> list[str]:
    """``nb_NO`` → ``["en", "nb", "nb_NO"]``: later entries override earlier ones by slug."""
    chain = [DEFAULT_LANGUAGE]
    if not language or not _LANGUAGE_RE.match(language):
        return chain
    parts = re.split(r"[_-]", language)
    for end in range(1, len(parts) + 1):
        candidate = "_".join(parts[:end])
        if candidate not in chain:
            chain.append(candidate)
    return chain


def _markdown_files(language: str, section: str) -> Iterator[tuple[str, str, str]]:
    """Yield ``(stem, text, relative name)`` of each ``.md`` in one language's section."""
    folder = _content_root().joinpath(language, section)
    if not folder.is_dir():
        return
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.is_file() and entry.name.endswith(".md"):
            name = f"{language}/{section}/{entry.name}"
            yield entry.name[: -len(".md")], entry.read_text(encoding="utf-8"), name


def _language(language: str | None) -> str:
    return current_language() if language is None else language


@lru_cache(maxsize=8)
def _builtin_pages(language: str) -> tuple[Page, ...]:
    by_slug: dict[str, Page] = {}
    for lang in _language_chain(language):
        for stem, text, name in _markdown_files(lang, "info"):
            by_slug[stem] = parse_page(text, name, stem, BUILTIN_PREFIX + name)
    return tuple(sorted(by_slug.values(), key=lambda page: (page.order, page.slug)))


@lru_cache(maxsize=8)
def _builtin_exercises(language: str) -> tuple[ExerciseText, ...]:
    by_slug: dict[str, ExerciseText] = {}
    for lang in _language_chain(language):
        for stem, text, name in _markdown_files(lang, "exercises"):
            by_slug[stem] = parse_exercise(text, name, stem, BUILTIN_PREFIX + name)
    return tuple(sorted(by_slug.values(), key=lambda ex: (CATEGORIES.index(ex.category), ex.title)))


def info_pages(language: str | None = None) -> list[Page]:
    """All information pages, sorted by ``order``; the local-links page honours its override."""
    return [
        local_links(language) if page.slug == LOCAL_LINKS_SLUG else page
        for page in _builtin_pages(_language(language))
    ]


def info_page(slug: str, language: str | None = None) -> Page:
    """One information page by slug. Raises NotFound."""
    if slug == LOCAL_LINKS_SLUG:
        return local_links(language)
    for page in _builtin_pages(_language(language)):
        if page.slug == slug:
            return page
    raise NotFound(_("There is no information page called '{slug}'.").format(slug=slug))


def exercises(language: str | None = None) -> list[ExerciseText]:
    """All built-in exercises, grouped by category (in CATEGORIES order), then by title."""
    return list(_builtin_exercises(_language(language)))


def exercise(slug: str, language: str | None = None) -> ExerciseText:
    """One built-in exercise by slug. Raises NotFound."""
    for item in _builtin_exercises(_language(language)):
        if item.slug == slug:
            return item
    raise NotFound(_("There is no exercise called '{slug}'.").format(slug=slug))


# --- local links and their override ---------------------------------------------------------


def paths_from_env(environ: Mapping[str, str]) -> Path | None:
    """The override named by ``$RECONNECT_LOCAL_LINKS``, if it is set and not empty."""
    value = environ.get(LOCAL_LINKS_ENV, "").strip()
    return Path(value).expanduser() if value else None


def local_links_override_paths(
    environ: Mapping[str, str] | None = None, config_dir: Path | None = None
) -> list[Path]:
    """Where a community's own local-links file is looked for, first match wins:
    ``$RECONNECT_LOCAL_LINKS``, then ``<user config dir>/local-links.md``."""
    env = os.environ if environ is None else environ
    from_env = paths_from_env(env)
    paths = [from_env] if from_env is not None else []
    if config_dir is None:
        import platformdirs  # deferred: only needed when the local-links page is opened

        config_dir = Path(platformdirs.user_config_dir("reconnect"))
    paths.append(config_dir / LOCAL_LINKS_FILENAME)
    return paths


def _override_page(path: Path, builtin: Page) -> Page:
    """Read an override file: front-matter is optional; missing fields come from ``builtin``."""
    text = path.read_text(encoding="utf-8")
    if text.lstrip("\ufeff").lstrip().startswith("---"):
        fields, body = parse_front_matter(text.lstrip(), str(path))
    else:
        fields, body = {}, text.strip() + "\n"
    order = builtin.order
    if fields.get("order"):
        order = _integer(fields, "order", str(path), minimum=0)
    return Page(
        slug=LOCAL_LINKS_SLUG,
        title=fields.get("title") or builtin.title,
        order=order,
        body=_body(body, str(path)),
        source=str(path),
    )


def local_links(
    language: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    config_dir: Path | None = None,
) -> Page:
    """The local activities and organisations page.

    An override file (see ``local_links_override_paths``) takes precedence. An override that is
    set but missing, unreadable or malformed never raises: the next candidate (finally the
    built-in page) is used, ``source`` says which file that was, and ``notice`` explains why.
    """
    builtin = next(p for p in _builtin_pages(_language(language)) if p.slug == LOCAL_LINKS_SLUG)
    env = os.environ if environ is None else environ
    problems: list[str] = []
    for path in local_links_override_paths(env, config_dir):
        explicit = path == paths_from_env(env)
        try:
            if not explicit and not path.exists():
                continue  # the config-dir file is optional; a set variable must work
            page = _override_page(path, builtin)
        except ContentError as error:
            problems.append(str(error))
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or _("not readable as UTF-8 text")
            problems.append(f"{path}: {reason}")
        else:
            return replace(page, notice=_notice(problems, page))
    return replace(builtin, notice=_notice(problems, builtin))


def _notice(problems: list[str], used: Page) -> str:
    """A user-facing note naming each override that could not be used and what is shown."""
    if not problems:
        return ""
    shown = _("the built-in list") if used.builtin else used.source
    return _("Could not use the local links file ({problems}). Showing {shown} instead.").format(
        problems="; ".join(problems), shown=shown
    )
