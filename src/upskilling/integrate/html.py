"""One Jinja2 environment for every HTML page the pipeline writes (the findings report, the wave reports):
templates from the package's templates/ folder, auto-escaping on (interview quotes are data, never
markup), undefined variables an error. Every template sees ``COMBINATORS`` (the test kinds that combine
other hypotheses, :data:`upskilling.survey.tests_registry.COMBINATORS`)."""
from __future__ import annotations

from importlib import resources

import jinja2

from ..survey.tests_registry import COMBINATORS


def render(template: str, context: dict) -> str:
    """Render ``templates/<template>`` with ``context``."""
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: resources.files("upskilling.integrate").joinpath(
            "templates", name).read_text(encoding="utf-8")),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals["COMBINATORS"] = COMBINATORS
    return env.get_template(template).render(**context)
