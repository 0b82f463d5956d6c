"""The pharmacy's settings file (TOML): its overrides of the rule pack's parameters, checked before anything runs.

    [rules]
    "cn.max_days_psy2" = 5        # a hospital's own, stricter limit

Found at $PHARMACY_SETTINGS, else settings.toml in the data directory. A wrong name or type refuses to start,
naming the setting (issue 4).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from pharmacy.domain.errors import N_, InvalidValue
from pharmacy.domain.profile import Profile
from pharmacy.rules.params import Params, merge_overrides

ENV_SETTINGS = "PHARMACY_SETTINGS"
SECTIONS = ("rules",)


def settings_path(data_dir: Path) -> Path | None:
    explicit = os.environ.get(ENV_SETTINGS)
    if explicit:
        return Path(explicit)
    default = data_dir / "settings.toml"
    return default if default.exists() else None


def load_rule_params(path: Path | None, profile: Profile) -> Params | None:
    """The pack's parameters with the file's overrides, or None when there is no settings file."""
    if path is None:
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError:
        raise InvalidValue(field=str(path), problem=N_("the settings file cannot be read")) from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidValue(field=str(path), problem=N_("is not valid TOML: {error}"), error=str(exc)) from None
    for section in data:
        if section not in SECTIONS:
            raise InvalidValue(field=section, problem=N_("unknown section of the settings file"))
    rules = data.get("rules", {})
    if not isinstance(rules, dict):
        raise InvalidValue(field="rules", problem=N_("must be a table of rule settings"))
    return merge_overrides(profile, rules)
