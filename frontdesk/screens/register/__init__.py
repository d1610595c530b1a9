"""Register screens: the day's entries, the entry form, an entry's history."""
