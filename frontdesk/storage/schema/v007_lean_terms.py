"""Schema step 7: drop the ``visit_terms(visit_id)`` index.

It was only used to find an entry's old search keys before replacing them. Those keys are a pure
function of the entry's stored payload (``visits.payload``), so the projection now recomputes
them and deletes exactly those rows by primary key. On a million entries the index was 365 MB
of random-order B-tree that every import had to update (bench/bench_sync.py, BENCHMARKS.md).
"""
from __future__ import annotations

VERSION = 7
SQL = """
DROP INDEX IF EXISTS visit_terms_visit
"""
