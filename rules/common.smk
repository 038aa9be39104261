# Shared set-up: validate the config (and the codebook, analysis plan and themes it points to) and check
# that every file it names exists, before any job runs; check that the output folders are writable
# before the first job starts; and the helpers that list each stage's outputs.
from upskilling.config import check_config_paths, validate_config
from upskilling.config import wave_spec as _wave_spec

# dict params with sorted keys: a --configfile / --config merge order alone must not re-run a rule
from upskilling.config import sorted_keys as _sorted_keys
from snakemake.exceptions import WorkflowError
import functools as _functools
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


# The topic model and its stability re-fits run side by side. On a large corpus each holds UMAP's neighbour
# graph of every segment (about 2 GiB at 51,000 segments): one machine runs them one after the other. Each
# requests one `large_fit` when its input exceeds this many MB (the default data: 2 MB; 1,000 interviews:
# about 100 MB), and profiles/default/ allows one at a time; a cluster profile sets no limit.
_LARGE_FIT_MB = 50


def _large_fit(wildcards, input):
    return int(input.size_mb > _LARGE_FIT_MB)


wildcard_constraints:
    wave="|".join(WAVES),


def wave_spec(wave):
    """The config block of one survey wave, with the file defaults filled in (a wave without its own
    codebook / analysis plan uses the top-level one: upskilling.config.wave_spec, the one place that says so).
    """
    return _wave_spec(config, wave)


# --- input and params functions, and paths from other rules' outputs ---
# Named functions, not lambdas: Snakemake's messages and tracebacks name the function that failed.


def wave_file(key):
    """Input function of a per-wave rule: the file ``key`` (survey, codebook, analysis) of the wave's
    config block, e.g. ``codebook=wave_file("codebook")``."""

    def wave_file_input(wildcards):
        return wave_spec(wildcards.wave)[key]

    wave_file_input.__name__ = wave_file_input.__qualname__ = f"wave_{key}"
    return wave_file_input


def path_of(pattern, **wildcards):
    """The one path of another rule's output (``rules.X.output.name``) for these wildcard values, a plain
    str (as a params value it is then the same as the path typed out)."""
    (path,) = expand(pattern, **wildcards)
    return str(path)


def figure_rule(name):
    """The rule that draws the integration figure ``name`` (rules/integrate.smk)."""
    return getattr(rules, f"integrate_figure_{name}")


def figure_subcategory(name):
    """The Snakemake report's subcategory of the integration figure ``name``."""
    if name == "joint_display":
        return "Integration"
    if name in ("topic_keywords", "theme_prevalence_by_participant"):
        return "Interviews"
    return "Survey"


def check_config_files():
    """Every file and folder the config names (a wave's survey export, the codebook, analysis plan and
    themes, interviews.transcripts / protocol / human_coding / redaction_list, integration.roster) exists,
    else stop before any job runs with one line naming the config key (not Snakemake's
    MissingInputException). Called by all_targets(), i.e. when the whole workflow is defined (a Snakefile
    with only some stages, as in the tests, checks nothing more than validate_config).
    """
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
        + list(rules.provenance.output)
    )


# Stage helpers live here, not beside the rules (snakemake --lint: no functions mixed with rules).
# They are called after every rules/<stage>.smk has been included, so they may use its constants.

# --- survey (rules/survey.smk) ---


def survey_targets():
    """Final survey outputs of every wave in config['waves']: every output of the per-wave rules."""
    per_wave = [
        rules.survey_clean,
        rules.survey_reliability,
        rules.survey_descriptives,
        rules.survey_hypotheses,
        rules.survey_tables,
    ]
    return expand([f for rule in per_wave for f in rule.output], wave=WAVES)


def _survey_settings(*sections):
    """Params function: only the sections of the wave's survey settings (SURVEY_SETTINGS) that a rule
    reads, so a change to another section (say `tables`) does not re-run it."""

    def survey_settings(wildcards):
        return _sorted_keys({k: SURVEY_SETTINGS[wildcards.wave][k] for k in sections})

    return survey_settings


def _survey_keeps_text(wave):
    """Whether the wave keeps open-ended answers (survey.scoring.keep_text): they are then redacted."""
    return SURVEY_SETTINGS[wave]["scoring"]["keep_text"]


def survey_redaction_list(wildcards):
    """Input function: the interviews' redaction list, for a wave that keeps open-ended answers."""
    return _iv_optional("redaction_list") if _survey_keeps_text(wildcards.wave) else []


def survey_redaction(wildcards):
    """Params function: the interviews' redaction settings, for a wave that keeps open-ended answers."""
    if not _survey_keeps_text(wildcards.wave):
        return {}
    return _sorted_keys(config["interviews"]["redaction"])


def survey_reader(wildcards):
    """Params function: how to read the wave's export (format, sep, encoding, missing_values)."""
    return _survey_reader(config, wildcards.wave)


def survey_decimals(wildcards):
    """Params function: the decimals of the wave's APA tables (survey.tables.decimals)."""
    return SURVEY_SETTINGS[wildcards.wave]["tables"]["decimals"]


# --- comparison (rules/compare.smk) ---


def comparison_targets():
    """Final outputs of the comparison: none with fewer than two waves (nothing to compare)."""
    if len(COMPARISON_WAVES) < 2:
        return []
    return [
        *rules.survey_compare.output,
        *rules.survey_compare_codebooks.output,
        *rules.survey_compare_figure.output,
    ]


# --- interviews (rules/interviews.smk) ---


def interviews_transcripts():
    """Transcript files in interviews.transcripts with one of interviews.formats, the suffix in any case
    (P05.TXT too), sorted: the same list the ingest step reads (upskilling.interviews.ingest.list_transcripts).
    A missing folder gives no files; the ingest rule then stops with a message naming the key.
    Listed once per parse (the ingest rule and provenance both ask; a skipped file is warned about once).
    """
    return list(_listed_transcripts())


@_functools.cache
def _listed_transcripts():
    from upskilling.interviews.ingest import list_transcripts

    folder = INTERVIEWS["transcripts"]
    if not _os.path.isdir(folder):
        return ()
    try:  # a file in a format that is not read (P05.doc) is refused, naming it
        return tuple(str(p) for p in list_transcripts(folder, INTERVIEWS["formats"]))
    except InputError as exc:
        raise WorkflowError(f"Invalid input: {exc}") from None


def _iv_optional(key):
    return [INTERVIEWS[key]] if INTERVIEWS[key] else []


def interviews_raw_inputs():
    """Raw interview inputs (for provenance checksums): transcripts, redaction list, human coding."""
    return (
        interviews_transcripts()
        + _iv_optional("redaction_list")
        + _iv_optional("human_coding")
    )


def interviews_targets():
    """Final outputs of the interview stage."""
    return [
        rules.interviews_ingest.output.turns,
        rules.interviews_segments.output.segments,
        rules.interviews_topics.output.topics,
        rules.interviews_prevalence.output.prevalence,
        rules.interviews_quotes.output.quotes,
        rules.interviews_validate.output.validation,
        rules.interviews_validate.output.table,
        rules.interviews_code.output.seeds,
        rules.interviews_segments.output.spread,
        rules.interviews_segments.output.candidates,
        rules.interviews_topics.output.model,
    ]


# --- integration (rules/integrate.smk) ---


def _files(*names):
    return {n: _INTEGRATION_FILES[n] for n in names}


def integration_targets():
    """Final outputs of the integration stage."""
    return (
        list(rules.integrate_claims.output)
        + [f for name in INTEGRATION_FIGURES for f in figure_rule(name).output]
        + list(rules.integrate_report.output)
        + expand(rules.integrate_notebook.output[0], notebook=NOTEBOOKS)
        + list(rules.integrate_qdpx.output)
    )


def notebook_data(wildcards):
    """Input function: the files the reviewer notebook reads (_NOTEBOOK_INPUTS), sorted."""
    keys = _NOTEBOOK_INPUTS[wildcards.notebook].values()
    return sorted(_INTEGRATION_FILES[k] for k in keys)


# --- per-wave reports (rules/reports.smk) ---


def report_targets():
    """One findings report per survey wave."""
    return expand(rules.report_wave.output[0], wave=WAVES)


def wave_is_synthetic(wave):
    """A wave with a planted-truth file or `data_origin: synthetic` gets the synthetic-data banner
    (data_origin has its default, real, from the schema; truth is optional)."""
    spec = config["waves"][wave]
    return bool(spec.get("truth")) or spec["data_origin"] == "synthetic"


def wave_synthetic(wildcards):
    """Params function: whether the wave's report carries the synthetic-data banner."""
    return wave_is_synthetic(wildcards.wave)


def _notebook_parameters(wildcards):
    from upskilling.survey.settings import reader_options

    files = {
        p: _INTEGRATION_FILES[k]
        for p, k in _NOTEBOOK_INPUTS[wildcards.notebook].items()
    }
    # the survey notebook re-draws the jittered paired figure: with the config's seed, as the figure rule
    extra = (
        {"wave": INTEGRATION_WAVE, "seed": config["seed"]}
        if wildcards.notebook == "survey"
        else {}
    )
    # how to read the raw export (the notebook re-derives a respondent)
    if wildcards.notebook == "survey":
        reader = reader_options(config, INTEGRATION_WAVE)
        extra.update(
            {
                f"export_{k}": reader[k]
                for k in ("format", "sep", "encoding", "missing_values")
            }
        )
    settings = _narrow(config, _NOTEBOOK_SETTINGS[wildcards.notebook])["integration"]
    return {**extra, **files, "integration": settings}


# --- provenance (rules/provenance.smk) ---


def provenance_inputs():
    files = [
        config["codebook"],
        config["analysis"],
        config["themes"],
        "config/config.yaml",
    ]
    for wave in WAVES:
        spec = wave_spec(wave)
        files += [spec["survey"], spec["codebook"], spec["analysis"]]
        if "truth" in spec:
            files.append(spec["truth"])
    files += interviews_raw_inputs()
    return sorted(set(files))
