"""Running Staffroom: the `staffroom` command, the Procfile and the gunicorn settings."""
