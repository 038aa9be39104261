"""Write results/provenance.json (thin wrapper around upskilling.provenance)."""
from upskilling import logs, provenance
from upskilling.model import model_info

log = logs.setup(snakemake, "provenance")
record = provenance.build(list(snakemake.input), snakemake.params.config, model_info())
provenance.write(record, snakemake.output[0])
log.info("provenance: %d input files recorded in %s", len(record["inputs"]), snakemake.output[0])
