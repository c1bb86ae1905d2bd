"""Business rules. Services take plain arguments (never ``request``), raise ``DomainError``
subclasses, and commit once, at the end of the call that changes state."""
