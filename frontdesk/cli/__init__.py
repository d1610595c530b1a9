"""The ``frontdesk`` command line: one module per subcommand group."""
