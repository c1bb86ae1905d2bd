"""Every API payload declared once: one module per area, in the vocabulary of ``declare``.

``app.api.spec`` assembles these parts into the OpenAPI document; see its docstring for what a
part defines (``PATHS``, ``SCHEMAS``, ``EXTENDS``, ``TAGS``).
"""
