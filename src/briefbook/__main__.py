"""`python -m briefbook`: the same as the `briefbook` command."""

from .cli import main

main()
