"""Render one survey wave's findings report, results/reports/<wave>.html."""
from upskilling import logs
from upskilling.integrate import wave_report

log = logs.setup(snakemake, "integrate")
ctx = wave_report.write(snakemake.wildcards.wave, dict(snakemake.input), snakemake.output[0],
                        snakemake.params.integration_wave, snakemake.params.synthetic)
log.info("wave report %s: %d claims (%s)", snakemake.output[0], len(ctx["claims"]), ctx["verdict_summary"])
