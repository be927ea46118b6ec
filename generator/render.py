"""Stage 5, render: Jinja templates that loop and print what a target's view model decided.

The environment is strict (StrictUndefined: a missing value is an error, never an empty string) and only
knows the filters its target registers, which are that target's escaping functions: a value from the
schema reaches generated code through one of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2

from generator import resources

_ENVIRONMENTS: dict[str, jinja2.Environment] = {}


def environment(target: str, filters: dict[str, Callable[..., str]]) -> jinja2.Environment:
    env = _ENVIRONMENTS.get(target)
    if env is None:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(resources.templates_dir() / target),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            autoescape=False,
        )
        env.filters.update(filters)
        _ENVIRONMENTS[target] = env
    return env


def render(env: jinja2.Environment, template: str, **view: Any) -> str:
    return env.get_template(template).render(**view)
