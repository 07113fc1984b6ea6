"""``python -m critica`` runs the CLI."""

from critica.cli import app

app()
