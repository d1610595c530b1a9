"""SQLite storage: connection and pragmas, migrations, versioned records, repositories.

Imported only off the start-up path (in a worker after the first frame).
"""
