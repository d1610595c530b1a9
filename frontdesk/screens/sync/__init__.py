"""File screens: the register out, bundles in and out, and conflicts."""
