"""Checkboxes and radio buttons whose state shows without colour: ``[x]``/``[ ]``, ``(•)``/``( )``.

Textual draws a toggle as the same glyph on and off (``▐X▌``, ``▐●▌``) and tells them apart by
colour only, so in some themes, on a monochrome terminal or to a colour-blind person a ticked
box and an empty one look alike ("Prescribed by a doctor" was on without the person noticing).
These subclasses draw the state itself; everything else (keys, messages, ``RadioSet``) is
Textual's.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox, RadioButton


class StateCheckbox(Checkbox):
    """A checkbox drawn ``[x] label`` / ``[ ] label``."""

    @property
    def _button(self) -> Content:  # Textual 8's hook for the drawn button (pinned <9)
        style = self.get_visual_style("toggle--button")
        return Content.assemble(("[x]" if self.value else "[ ]", style))


class StateRadioButton(RadioButton):
    """A radio button drawn ``(•) label`` / ``( ) label``."""

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        return Content.assemble(("(•)" if self.value else "( )", style))
