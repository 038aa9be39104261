"""Named loggers for the pipeline stages and the logging set-up used by the thin scripts."""
from __future__ import annotations

import logging
import sys

FORMAT = "%(asctime)s %(levelname)s [%(name)s] %(message)s"


def get_logger(stage: str) -> logging.Logger:
    """Return the logger ``upskilling.<stage>``."""
    return logging.getLogger(f"upskilling.{stage}")


def setup(snakemake=None, stage: str = "pipeline", log_path: str | None = None) -> logging.Logger:
    """Configure logging for a Snakemake script and return the stage logger.

    Messages go to ``snakemake.log[0]`` (or ``log_path``) and to stderr. An uncaught
    :class:`~upskilling.errors.InputError` is logged as its one-line message (no traceback), and the
    process exits with status 1, so Snakemake shows what to fix.
    """
    if log_path is None and snakemake is not None and len(snakemake.log) > 0:
        log_path = str(snakemake.log[0])
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_path:
        handlers.append(logging.FileHandler(log_path, mode="w", encoding="utf-8"))
    logging.basicConfig(level=logging.INFO, format=FORMAT, handlers=handlers, force=True)
    logging.captureWarnings(True)
    logger = get_logger(stage)

    def _hook(exc_type, exc, tb):
        from .errors import InputError

        if issubclass(exc_type, InputError):
            logger.error("%s", exc)
            sys.stderr.write(f"InputError: {exc}\n")
            sys.exit(1)
        logger.error("unexpected error", exc_info=(exc_type, exc, tb))

    sys.excepthook = _hook
    return logger
