"""One error type for everything a user can get wrong: what happened, why, and what to do."""

from dataclasses import fields


class LabError(Exception):
    """An actionable error. Every face (CLI, app, widgets) shows it the same way, without a traceback."""

    def __init__(self, what: str, why: str = "", fix: str = ""):
        self.what, self.why, self.fix = what, why, fix
        super().__init__(self.message)

    def __reduce__(self):  # pickled whole (the app's model process sends it back): what, why and fix
        return type(self), (self.what, self.why, self.fix)

    @property
    def message(self) -> str:
        parts = [self.what]
        if self.why:
            parts.append(f"Why: {self.why}")
        if self.fix:
            parts.append(f"Fix: {self.fix}")
        return "\n".join(parts)

    def to_dict(self) -> dict:
        return {"error": self.what, "why": self.why, "fix": self.fix}


def from_known_fields(cls, data: dict, unknown_what: str, known_what: str):
    """Build dataclass `cls` from `data`, refusing keys it does not have with a list of the ones it does."""
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise LabError(f"{unknown_what} {', '.join(unknown)}.", "",
                       f"{known_what}: {', '.join(sorted(known)) or 'no settings'}.")
    return cls(**data)
