"""briefbook: structured policy briefs, validated and published as a searchable site."""

__version__ = "0.1.0"
