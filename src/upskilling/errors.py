"""Errors raised for bad input: one line naming what is wrong and what to fix."""
from __future__ import annotations

import errno
import os


class InputError(ValueError):
    """Bad input data or configuration.

    The message is a single line that names the file, row, column or config key at fault and says
    what to fix, e.g. ``"export.csv: row 12, column 'Q10_1': unknown label 'Agree strongly'; use one
    of ['Strongly disagree', ...]"``.
    """

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))


#: errno values of a file that cannot be written (or read) for lack of permission or space
_NO_ACCESS = (errno.EACCES, errno.EPERM)
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


def file_error_message(exc: BaseException) -> str | None:
    """The one-line message for an :class:`OSError` raised while a step reads or writes a file: a read-only
    output folder or file, a read-only file system, a full disk, an input that is not readable. None for
    any other exception (it stays a traceback: a bug, not the researcher's to fix).

    The message names the folder (or file) and the fix, e.g. ``"results/survey/wave1: cannot write
    results/survey/wave1/flow.csv (Permission denied): the folder is read-only; make it writable (chmod u+w
    results/survey/wave1) or run the workflow in a copy you can write to"``.
    """
    if not isinstance(exc, OSError) or not getattr(exc, "filename", None):
        return None
    code = exc.errno
    target = str(exc.filename)
    why = exc.strerror or os.strerror(code or 0)
    if code in _NO_SPACE:
        folder = target if os.path.isdir(target) else os.path.dirname(target) or "."
        return (f"{folder}: cannot write {target} ({why}); free some space on that disk (or set the outputs "
                "elsewhere) and run the workflow again")
    if code == errno.EROFS:
        folder = target if os.path.isdir(target) else os.path.dirname(target) or "."
        return (f"{folder}: cannot write {target} ({why}): the file system is read-only; run the workflow in a "
                "copy on a writable disk")
    if code not in _NO_ACCESS:
        return None
    if os.path.isfile(target) and not os.access(target, os.R_OK):
        return f"{target}: cannot read the file ({why}); make it readable (chmod u+r {target})"
    if os.path.isdir(target):
        folder = target
    else:
        folder = os.path.dirname(target) or "."
        if os.path.exists(target) and os.access(folder, os.W_OK):  # the file itself is read-only
            return (f"{target}: cannot write the file ({why}): it is read-only; make it writable "
                    f"(chmod u+w {target}) or delete it")
    return (f"{folder}: cannot write {target} ({why}): the folder is read-only; make it writable "
            f"(chmod u+w {folder}) or run the workflow in a copy you can write to")


def unwritable_folder_message(paths) -> str | None:
    """Before jobs run: the one-line message for the first of ``paths`` (the outputs and logs of the jobs
    to run) whose folder cannot be written, or None. A folder that does not exist yet needs its nearest
    existing parent writable (Snakemake creates it); a file that exists needs its folder writable
    (Snakemake deletes an output before the job that makes it again), an existing folder output too."""
    seen: set[str] = set()
    for path in paths:
        path = str(path)
        folder = os.path.dirname(path) or "."
        todo = [folder] + ([path] if os.path.isdir(path) else [])
        for f in todo:
            existing = f
            while existing and not os.path.exists(existing):
                existing = os.path.dirname(existing)
            existing = existing or "."
            if existing in seen:
                continue
            seen.add(existing)
            if os.path.isdir(existing) and not os.access(existing, os.W_OK | os.X_OK):
                return (f"{existing}: the folder is read-only, so {path} cannot be written; make it writable "
                        f"(chmod -R u+w {existing}) or run the workflow in a copy you can write to")
    return None
