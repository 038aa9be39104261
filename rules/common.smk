# Shared set-up: validate the config (and the codebook, analysis plan and themes it points to)
# before any job runs, and the helpers that list each stage's outputs.
from upskilling.config import validate_config
from snakemake.exceptions import WorkflowError
from upskilling.errors import InputError

try:
    validate_config(config)
except InputError as exc:
    raise WorkflowError(f"Invalid configuration: {exc}") from None


WAVES = sorted(config["waves"])


wildcard_constraints:
    wave="|".join(WAVES),


def wave_spec(wave):
    """The config block of one survey wave, with the file defaults filled in."""
    spec = dict(config["waves"][wave])
    spec.setdefault("codebook", config["codebook"])
    spec.setdefault("analysis", config["analysis"])
    return spec


def all_targets():
    """Every final output of the study: the single source of `rule all`."""
    return (
        survey_targets()
        + interviews_targets()
        + integration_targets()
        + ["results/provenance.json"]
    )
