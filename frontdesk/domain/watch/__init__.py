"""The watch list: people the gate is warned about before they walk in (issue 19).

``model`` (entries and their synced payload; light), ``entry_check`` (the rules for a new entry),
``csv_import`` (a list as Excel saves it), ``normalize`` / ``rarity`` / ``matcher`` (fuzzy
matching, loaded only when the entry form opens or the list is used).
"""
