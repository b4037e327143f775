"""``data-*`` and ``aria-*`` attributes on Dash components without fighting the type checker."""

from __future__ import annotations

from typing import TypeVar

from dash.development.base_component import Component

C = TypeVar("C", bound=Component)


def with_attrs(component: C, **attrs: str) -> C:
    """``with_attrs(html.Div(...), data_code="…", aria_live="polite")`` → data-code / aria-live."""
    for key, value in attrs.items():
        name = key.replace("_", "-")
        if not name.startswith(("data-", "aria-")):
            raise ValueError(f"only data-* and aria-* attributes: {name}")
        setattr(component, name, value)
    return component
