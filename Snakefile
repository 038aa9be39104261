# Upskilling with Generative AI (arXiv 2604.27231): a mixed-methods reproduction.
# This file is the table of contents; each stage lives in rules/<stage>.smk and the logic in the
# package under src/upskilling/. See README.md for what each output is.
from snakemake.utils import min_version

min_version("9.0")

# config/config.yaml read by the project's loader first: a YAML error is one line with line and column
# (Snakemake's own message says only "not valid JSON or YAML").
from upskilling.config import check_configfile
from upskilling.imports import compile_package

check_configfile("config/config.yaml")
# the package's bytecode, written once for all jobs (none is written where PYTHONDONTWRITEBYTECODE is set)
compile_package()


configfile: "config/config.yaml"


# The Snakemake report's workflow description (snakemake --report): what the workflow does, which waves
# are synthetic, where the notebooks and findings reports are.
report: "report/workflow.rst"


include: "rules/common.smk"
include: "rules/survey.smk"
include: "rules/compare.smk"
include: "rules/interviews.smk"
# before integrate.smk: the findings report reads provenance.json (rules.provenance.output)
include: "rules/provenance.smk"
include: "rules/integrate.smk"
include: "rules/reports.smk"


rule all:
    default_target: True
    input:
        all_targets(),
