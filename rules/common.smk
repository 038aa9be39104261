# Shared set-up: validate the config (and the codebook, analysis plan and themes it points to) and check
# that every file it names exists, before any job runs; check that the output folders are writable
# before the first job starts; and the helpers that list each stage's outputs.
from upskilling.config import check_config_paths, validate_config
# dict params with sorted keys: a --configfile / --config merge order alone must not re-run a rule
from upskilling.config import sorted_keys as _sorted_keys
from snakemake.exceptions import WorkflowError
import math as _math
import os as _os

from upskilling.errors import InputError


def _config_source():
    """The config file(s) a message names: config/config.yaml, plus each --configfile merged over it."""
    files = ["config/config.yaml"] if _os.path.isfile("config/config.yaml") else []
    for path in workflow.overwrite_configfiles or []:
        rel = _os.path.relpath(path)
        rel = str(path) if rel.startswith("..") else rel
        if rel not in files:
            files.append(rel)
    return " + ".join(files) or "the config"


CONFIG_SOURCE = _config_source()

try:
    validate_config(config, CONFIG_SOURCE)
except InputError as exc:
    raise WorkflowError(f"Invalid configuration: {exc}") from None


WAVES = sorted(config["waves"])


def _beside_snakefile(path):
    """``path`` (relative to the Snakefile's folder) relative to the working directory: "notebooks/x" in
    the README's run, "../notebooks/x" with --directory .test. Relative, so a copied or moved project
    does not see a changed input path (Snakemake would re-run the job)."""
    return _os.path.relpath(_os.path.join(workflow.basedir, path))


# --- resources of the heavy rules (a cluster executor reads them; profiles/*/config.yaml may override) ---
# Calibrated on the measurements in benchmarks/results.md: a fixed part (interpreter, torch and the
# model) plus a part per MB of the rule's input, doubled (memory) or multiplied (runtime) on each retry.


def _mem_mb(base, per_input_mb=0.0):
    def mem_mb(wildcards, input, attempt):
        return int((base + per_input_mb * input.size_mb) * 2 ** (attempt - 1))

    return mem_mb


def _runtime_min(base, per_input_mb=0.0):
    def runtime(wildcards, input, attempt):
        return int(_math.ceil((base + per_input_mb * input.size_mb) * attempt))

    return runtime


wildcard_constraints:
    wave="|".join(WAVES),


def wave_spec(wave):
    """The config block of one survey wave, with the file defaults filled in."""
    spec = dict(config["waves"][wave])
    spec.setdefault("codebook", config["codebook"])
    spec.setdefault("analysis", config["analysis"])
    return spec


def check_config_files():
    """Every file and folder the config names (a wave's survey export, the codebook, analysis plan and
    themes, interviews.transcripts / protocol / human_coding / redaction_list, integration.roster) exists,
    else stop before any job runs with one line naming the config key (not Snakemake's
    MissingInputException). Called by all_targets(), i.e. when the whole workflow is defined (a Snakefile
    with only some stages, as in the tests, checks nothing more than validate_config)."""
    try:
        check_config_paths(config, CONFIG_SOURCE)
    except InputError as exc:
        raise WorkflowError(f"Invalid configuration: {exc}") from None


def check_output_folders():
    """Before the first job runs (onstart: not in a dry run): every folder that a job to run writes into
    (outputs and log files) is writable, else one line naming the folder. Without it a read-only folder
    gives Snakemake's traceback (when it deletes an old output or touches the log of a failed job); the
    scripts report a file they cannot write themselves (upskilling.logs.setup)."""
    from upskilling.errors import unwritable_folder_message

    paths = []
    for job in workflow.dag.needrun_jobs():
        paths += [str(f) for f in job.output] + [str(f) for f in job.log]
        if getattr(job, "benchmark", None):
            paths.append(str(job.benchmark))
    message = unwritable_folder_message(paths)
    if message:
        raise WorkflowError(message)


onstart:
    check_output_folders()


def all_targets():
    """Every final output of the study: the single source of `rule all` (after check_config_files)."""
    check_config_files()
    return (
        survey_targets()
        + comparison_targets()
        + interviews_targets()
        + integration_targets()
        + report_targets()
        + ["results/provenance.json"]
    )


# Stage helpers live here, not beside the rules (snakemake --lint: no functions mixed with rules).
# They are called after every rules/<stage>.smk has been included, so they may use its constants.

# --- survey (rules/survey.smk) ---


def _survey_settings(*sections):
    """Params function: only the sections of the wave's survey settings (SURVEY_SETTINGS) that a rule
    reads, so a change to another section (say `tables`) does not re-run it."""
    return lambda wc: _sorted_keys({k: SURVEY_SETTINGS[wc.wave][k] for k in sections})


# --- interviews (rules/interviews.smk) ---


def interviews_transcripts():
    """Transcript files in interviews.transcripts with one of interviews.formats, the suffix in any case
    (P05.TXT too), sorted: the same list the ingest step reads (upskilling.interviews.ingest.list_transcripts).
    A missing folder gives no files; the ingest rule then stops with a message naming the key."""
    from upskilling.interviews.ingest import list_transcripts

    folder = INTERVIEWS["transcripts"]
    if not _os.path.isdir(folder):
        return []
    try:  # a file in a format that is not read (P05.doc) is refused, naming it
        return [str(p) for p in list_transcripts(folder, INTERVIEWS["formats"])]
    except InputError as exc:
        raise WorkflowError(f"Invalid input: {exc}") from None


def _iv_optional(key):
    return [INTERVIEWS[key]] if INTERVIEWS[key] else []


def interviews_raw_inputs():
    """Raw interview inputs (for provenance checksums): transcripts, redaction list, human coding."""
    return interviews_transcripts() + _iv_optional("redaction_list") + _iv_optional("human_coding")


def interviews_targets():
    """Final outputs of the interview stage."""
    return [
        f"{_IV_PROCESSED}/turns.csv",
        f"{_IV_RESULTS}/segments.csv",
        f"{_IV_RESULTS}/topics.csv",
        f"{_IV_RESULTS}/theme_prevalence.csv",
        f"{_IV_RESULTS}/quotes.csv",
        f"{_IV_RESULTS}/validation.json",
        f"{_IV_RESULTS}/validation.csv",
        f"{_IV_RESULTS}/coding_seeds.csv",
        f"{_IV_RESULTS}/topic_themes.csv",
        f"{_IV_RESULTS}/candidate_themes.csv",
        f"{_IV_RESULTS}/topic_model",
    ]


# --- integration (rules/integrate.smk) ---


def _files(*names):
    return {n: _INTEGRATION_FILES[n] for n in names}


def integration_targets():
    """Final outputs of the integration stage."""
    return (
        ["results/claims.csv", "results/claims.md", "results/claims_participants.csv", "results/claims_quotes.csv",
         "results/claims_people.csv"]
        + [f"results/figures/{n}.{ext}" for n in INTEGRATION_FIGURES for ext in ("png", "pdf")]
        + ["results/report.html"]
        + [f"results/notebooks/{n}.ipynb" for n in NOTEBOOKS]
        + [f"{_INTERVIEWS}/codebook.qdc", f"{_INTERVIEWS}/project.qdpx"]
    )


# --- per-wave reports (rules/reports.smk) ---


def report_targets():
    """One findings report per survey wave."""
    return [f"results/reports/{w}.html" for w in WAVES]


def wave_is_synthetic(wave):
    """A wave with a planted-truth file or `data_origin: synthetic` gets the synthetic-data banner."""
    spec = config["waves"][wave]
    return bool(spec.get("truth")) or spec.get("data_origin") == "synthetic"


def _notebook_parameters(wildcards):
    from upskilling.survey.settings import reader_options

    files = {p: _INTEGRATION_FILES[k] for p, k in _NOTEBOOK_INPUTS[wildcards.notebook].items()}
    extra = {"wave": INTEGRATION_WAVE} if wildcards.notebook == "survey" else {}
    if wildcards.notebook == "survey":  # how to read the raw export (the notebook re-derives a respondent)
        reader = reader_options(config, INTEGRATION_WAVE)
        extra.update({f"export_{k}": reader[k] for k in ("format", "sep", "encoding", "missing_values")})
    settings = _narrow(config, _NOTEBOOK_SETTINGS[wildcards.notebook]).get("integration", {})
    return {**extra, **files, "integration": settings}


# --- provenance (rules/provenance.smk) ---


def provenance_inputs():
    files = [config["codebook"], config["analysis"], config["themes"], "config/config.yaml"]
    for wave in WAVES:
        spec = wave_spec(wave)
        files += [spec["survey"], spec["codebook"], spec["analysis"]]
        if "truth" in spec:
            files.append(spec["truth"])
    files += interviews_raw_inputs()
    return sorted(set(files))
