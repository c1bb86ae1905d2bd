"""Every API payload declared once: one module per area, TypedDicts and the operations using them.

``app.api.spec`` assembles these parts into the OpenAPI document; see its docstring for what a
part defines (``PATHS``, ``SCHEMAS``, ``EXTENDS``, ``TAGS``) and ``app/web/fields.py`` for how
a payload is declared.
"""
