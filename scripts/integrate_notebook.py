"""Execute one reviewer notebook (jupytext .py) into results/notebooks/<name>.ipynb; a failing cell fails the rule."""
from upskilling import logs
from upskilling.integrate import notebooks

log = logs.setup(snakemake, "integrate")
nb = notebooks.execute(snakemake.input.source, snakemake.output[0], dict(snakemake.params.parameters),
                       kernel=snakemake.params.kernel, timeout=snakemake.params.timeout)
log.info("notebook %s executed: %d cells", snakemake.output[0], len(nb.cells))
