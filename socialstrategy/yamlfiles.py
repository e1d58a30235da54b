"""Reading the project's YAML data files (the strategy, the rules, the lexicons)."""

from pathlib import Path
from typing import Any

import yaml

# libyaml's parser where it is built (about ten times faster), else the pure-Python one; both safe.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """Parse YAML text with a safe loader; raises yaml.YAMLError as yaml.safe_load does."""
    return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - SAFE_LOADER is a safe loader


def read_yaml(path: Path) -> Any:
    """Parse a UTF-8 YAML file with a safe loader."""
    return load_yaml(path.read_text(encoding="utf-8"))
