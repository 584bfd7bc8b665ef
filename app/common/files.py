"""Files the application stores under its instance folder, and the problems a data file can have."""
import uuid
from dataclasses import dataclass


def store_new(folder, suffix, data):
    """Write `data` under `folder` with a fresh random name ending in `suffix`; returns the name."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.{suffix}"
    (folder / name).write_bytes(data)
    return name


@dataclass
class Problem:
    """A problem in a data file (curricula, the services catalogue), shown as `path:line: message`."""

    path: str
    line: int
    message: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.message}"
