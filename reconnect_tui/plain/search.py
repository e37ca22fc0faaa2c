"""Search everything I wrote."""

from __future__ import annotations

from ..i18n import N_, _, ngettext
from .context import Context
from .io import Back
from .io import one_line as short


def run(ctx: Context) -> None:
    while True:
        try:
            query = ctx.console.ask(_("Search for (q goes back):"))
        except Back:
            return
        if not query:
            continue
        found = ctx.toolbox.search.find(query)
        hits = found.hits
        if found.limited:  # a word in thousands of entries: the newest were ranked
            ctx.console.say(_(
                "Only your newest {ranked} of {matches} matches were searched for the best;"
                " add a word to look further back."
            ).format(ranked=found.ranked, matches=found.matches))
        ctx.console.say_list(
            ngettext("{n} result.", "{n} results.", len(hits)).format(n=len(hits)),
            [_("{module}: {title}. {snippet}").format(
                module=_(MODULE_NAMES.get(h.module, h.module)), title=h.title,
                snippet=short(h.snippet.replace("[", "").replace("]", ""), 100)) for h in hits])


MODULE_NAMES = {
    "life-domains": N_("Life domains"),
    "what-matters": N_("What matters"),
    "goals": N_("Goal"),
    "activities": N_("Activity"),
    "network": N_("Network"),
    "medications": N_("Medication"),
    "diary": N_("Diary"),
    "exercise-log": N_("Exercise log"),
    "crisis-plan": N_("Crisis plan"),
}
"""The same names as the search screen's."""
