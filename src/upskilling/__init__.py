"""Mixed-methods pipeline for the freelance upskilling study."""
__version__ = "0.1.0"
