"""The match model as a JSON file: the one `matching train` writes, or the one the package ships."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..domain.errors import InvalidField
from ..domain.matching import MatchModel

PACKAGED = "match-model.json"


@lru_cache(maxsize=8)
def _read(path: str | None) -> MatchModel:
    if path is None:
        shipped = resources.files("learner_records.data").joinpath(PACKAGED)
        if not shipped.is_file():
            return MatchModel.default()
        return MatchModel.from_dict(json.loads(shipped.read_text(encoding="utf-8")))
    try:
        return MatchModel.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InvalidField(
            "LEARNER_RECORDS_MATCH_MODEL", f"{path} is not a match model file: {error}", "a file `matching train` wrote"
        ) from error


def load_match_model(path: str | None) -> MatchModel:
    """The model in `path`, or the packaged model when `path` is None."""
    return _read(str(Path(path).resolve()) if path else None)


def save_match_model(model: MatchModel, path: Path) -> None:
    """Write the model whole or not at all: to a temporary file beside it, then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(model.to_dict(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, path)
