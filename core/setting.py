"""One setting, defined once: name, default, bounds or choices, label and widget.

The projection settings (core.maps.settings), the long-text settings (core.embedding.windows) and the
training settings (core.training.settings) are tables of these; the CLI options
(core.cli.args.add_setting_argument), the link parameters and the widgets are derived from them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    """One setting and everything the CLI, the link and the widgets need to know of it."""

    name: str  # the field it fills (e.g. of ProjectionParams, a Projector parameter)
    key: str  # public name: link parameter, CLI option (--key) and widget key (ee_w_key)
    label: str
    default: Any
    choices: tuple = ()
    choice_labels: tuple[str, ...] = ()  # how each choice is shown (default: as it is written)
    bounds: tuple[float, float] | None = None
    step: float | None = None
    widget: str = "slider"  # "segmented", "select", "number" or "slider"
    methods: tuple[str, ...] = ()  # the methods (e.g. projections) this setting changes; empty: every one
    reducer_arg: bool = False  # passed unchanged, under its name, to the reducer of each of `methods`
    per_map: bool = False  # set for each side of the Compare page (the others follow the Map page)
    help: str = ""
    format: str = ""  # printf-style display format of a number widget (e.g. "%.1e"); empty: Streamlit's

    def applies_to(self, method: str) -> bool:
        """Whether this setting changes what `method` does."""
        return not self.methods or method in self.methods

    @property
    def flag(self) -> str:
        return "--" + self.key.replace("_", "-")

    @property
    def widget_key(self) -> str:
        return f"ee_w_{self.key}"

    def choice_label(self, value: Any) -> str:
        """How a choice is shown in a widget."""
        return dict(zip(self.choices, self.choice_labels)).get(value, str(value))

    def cast(self, value: Any) -> Any:
        """`value` as this setting's type (int, float or str)."""
        return type(self.default)(value)

    def parse(self, text: str) -> Any:
        """The value `text` names; ValueError when it is not a choice or lies outside the bounds."""
        value = self.cast(text)
        if self.choices and value not in self.choices:
            raise ValueError(f"{text!r} is not one of {', '.join(map(str, self.choices))}")
        if self.bounds and not self.bounds[0] <= value <= self.bounds[1]:
            raise ValueError(f"{text!r} is outside {self.bounds[0]}..{self.bounds[1]}")
        return value

    def describe(self) -> str:
        """CLI help: what it is, and its range."""
        span = f"{self.bounds[0]}..{self.bounds[1]}" if self.bounds else ", ".join(map(str, self.choices))
        return f"{self.help or self.label} ({span}; default {self.default})"
