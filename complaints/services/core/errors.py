"""Errors the services raise for the user: ``str(error)`` is a message in the user's language."""


class RuleError(ValueError):
    """A change that the rules do not allow now (wrong state, missing data); nothing has been changed."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field
