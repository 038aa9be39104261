"""Errors raised for bad input: one line naming what is wrong and what to fix."""


class InputError(ValueError):
    """Bad input data or configuration.

    The message is a single line that names the file, row, column or config key at fault and says
    what to fix, e.g. ``"export.csv: row 12, column 'Q10_1': unknown label 'Agree strongly'; use one
    of ['Strongly disagree', ...]"``.
    """

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))
