"""The register's rules: entries, what a guard types, search keys."""
