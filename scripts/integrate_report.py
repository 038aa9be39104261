"""Render the self-contained findings report results/report.html."""
from upskilling import logs
from upskilling.integrate import report

log = logs.setup(snakemake, "integrate")
paths = {k: v for k, v in snakemake.input.items() if k != "figures"}
paths["wave"] = snakemake.params.wave
paths["synthetic"] = snakemake.params.synthetic
figures = dict(zip(snakemake.params.figure_names, snakemake.input.figures))
report.write(paths, figures, snakemake.output[0], snakemake.params.settings, snakemake.params.skipped_figures,
             snakemake.params.captions)
log.info("report written to %s with %d figures", snakemake.output[0], len(figures))
