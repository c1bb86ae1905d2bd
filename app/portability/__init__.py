"""Data portability: importers from other comment systems, and Parley's own export.

Each source module (``disqus``, ``wordpress``, ``isso``, ``remark42``, ``parley_format``)
only *reads* its format, streaming, and yields the neutral records of ``records``;
``writer.ImportRun`` writes them (batches, parents, authors, idempotency, counts) and
``export`` writes a site back out. ``cli`` holds the ``flask import`` and ``flask export``
commands. See docs/migrating.md.
"""
