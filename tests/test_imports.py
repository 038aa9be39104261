"""upskilling.imports.absent: a library's optional import is skipped only inside the block; the ingest
job's redactor works without transformers or torch loaded."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from upskilling.imports import absent


def test_a_package_not_imported_is_absent_inside_the_block_only():
    name = "upskilling_never_imported_package_xyz"
    assert name not in sys.modules
    with absent(name, "json") as marked:
        assert marked == [name]  # json is imported already: left alone
        assert sys.modules["json"] is json
        with pytest.raises(ModuleNotFoundError):
            __import__(name)
    assert name not in sys.modules
    with pytest.raises(ModuleNotFoundError, match="No module named"):  # the ordinary message again
        __import__(name)


def test_the_redactor_runs_without_loading_transformers_or_torch():
    code = (
        "import sys, json\n"
        "from upskilling.interviews.redact import Redactor\n"
        "text = Redactor()('Mail maya.okafor@gmail.com or call +44 20 7946 0958.')\n"
        "print(json.dumps({'text': text,\n"
        "                  'loaded': sorted(m for m in ('transformers', 'torch') if m in sys.modules)}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["text"] == "Mail [EMAIL] or call [PHONE]."
    assert result["loaded"] == []
    import transformers  # noqa: F401  (importable normally in this process)
