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
    process exits with status 1, so Snakemake shows what to fix. So is a file the step cannot write or
    read for lack of permission or space (a read-only output folder, a full disk: the message names the
    folder, see :func:`upskilling.errors.file_error_message`), also when it is the log file itself.
    """
    logger = get_logger(stage)

    def _hook(exc_type, exc, tb):
        from .errors import InputError, file_error_message

        message = str(exc) if issubclass(exc_type, InputError) else file_error_message(exc)
        if message is not None:
            logger.error("%s", message)
            sys.stderr.write(f"{'InputError' if issubclass(exc_type, InputError) else 'FileError'}: {message}\n")
            sys.exit(1)
        logger.error("unexpected error", exc_info=(exc_type, exc, tb))

    sys.excepthook = _hook  # first: a log file that cannot be opened is reported the same way
    if log_path is None and snakemake is not None and len(snakemake.log) > 0:
        log_path = str(snakemake.log[0])
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_path:
        handlers.append(logging.FileHandler(log_path, mode="w", encoding="utf-8"))
    logging.basicConfig(level=logging.INFO, format=FORMAT, handlers=handlers, force=True)
    logging.captureWarnings(True)
    return logger
