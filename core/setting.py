"""One setting, defined once: name, default, bounds or choices, label and widget.

The projection settings (core.maps.settings), the cluster settings (core.maps.cluster_settings), the
long-text settings (core.embedding.windows), the training settings (core.training.settings) and the index lab's
settings with the neighbour metric (core.indexlab.settings) are tables of these; the CLI options (core.cli.args.add_setting_argument), the link parameters and the
widgets are derived from them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    """One setting and everything the CLI, the link and the widgets need to know of it."""

    name: str  # the field it fills (e.g. of ProjectionParams, a Projector parameter)
    key: str  # public name: link parameter, CLI option (--key) and widget key (ee_w_key)
    label: str
    default: Any  # None only with `auto`
    choices: tuple = ()
    choice_labels: tuple[str, ...] = ()  # how each choice is shown (default: as it is written)
    bounds: tuple[float, float] | None = None
    step: float | None = None
    widget: str = "slider"  # "segmented", "select", "radio", "number", "slider" or "text"
    methods: tuple[str, ...] = ()  # the methods (e.g. projections) this setting changes; empty: every one
    reducer_arg: bool = False  # passed unchanged, under its name, to the estimator of each of `methods`
    per_map: bool = False  # set for each side of the Compare page (the others follow the Map page)
    help: str = ""
    format: str = ""  # printf-style display format of a number widget (e.g. "%.1e"); empty: Streamlit's
    auto: str = ""  # what 0 stands for (e.g. "suggest") in a whole-number setting: the field holds None, its default
    convert: Callable[[str], Any] | None = None  # the value a text stands for, when not a plain number or word
    widget_name: str = ""  # widget key ee_w_<widget_name>, when it is not the key
    cli_name: str = ""  # CLI option --<cli-name>, when it is not the key

    def applies_to(self, method: str) -> bool:
        """Whether this setting changes what `method` does."""
        return not self.methods or method in self.methods

    @property
    def flag(self) -> str:
        return "--" + (self.cli_name or self.key).replace("_", "-")

    @property
    def widget_key(self) -> str:
        return f"ee_w_{self.widget_name or self.key}"

    def choice_label(self, value: Any) -> str:
        """How a choice is shown in a widget."""
        return dict(zip(self.choices, self.choice_labels)).get(value, str(value))

    def cast(self, value: Any) -> Any:
        """`value` (a widget's value or a text) as this setting's field value: int, float, str, converted, or None
        for an automatic 0."""
        if self.convert is not None:
            return self.convert(value)
        if self.auto:
            return int(value) or None
        return type(self.default)(value)

    def parse(self, text: str) -> Any:
        """The value `text` names; ValueError when it is not a choice or lies outside the bounds."""
        value = self.cast(text)
        if value is None or self.convert is not None:
            return value
        if self.choices and value not in self.choices:
            raise ValueError(f"{text!r} is not one of {', '.join(map(str, self.choices))}")
        if self.bounds and not self.bounds[0] <= value <= self.bounds[1]:
            raise ValueError(f"{text!r} is outside {self.bounds[0]}..{self.bounds[1]}")
        return value

    def text(self, value: Any) -> str:
        """A field value as a link or the CLI writes it (what `parse` reads back)."""
        if isinstance(value, tuple):
            return ",".join(map(str, value))
        if value is None:
            return "0"
        return repr(value) if isinstance(value, float) else str(value)

    def widget_value(self, value: Any) -> Any:
        """A field value as its widget holds it: 0 for automatic, words joined by commas."""
        if isinstance(value, tuple):
            return ", ".join(map(str, value))
        return 0 if value is None else value

    def describe(self) -> str:
        """CLI help: what it is, its range and its default."""
        span = f"{self.bounds[0]}..{self.bounds[1]}" if self.bounds else ", ".join(map(str, self.choices))
        span += f", 0 = {self.auto}" if self.auto else ""
        return f"{self.help or self.label} ({span + '; ' if span else ''}default {self.text(self.default) or 'none'})"
