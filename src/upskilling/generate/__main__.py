"""``python -m upskilling.generate``: same as ``upskilling-generate``."""
import sys

from .cli import main

sys.exit(main())
