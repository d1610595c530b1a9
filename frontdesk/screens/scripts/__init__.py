"""Script screens: the card read aloud, the picker, the manager and its editors."""
