"""frontdesk: gate booth and duty room app."""
__version__ = "0.1.0"
