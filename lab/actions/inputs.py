"""What faces send, read once: numbers typed in a form, 'key: value' settings, paths to confine, run ids."""

from __future__ import annotations

import math

from lab.errors import LabError


def whole(value, name: str) -> int:
    """A whole number from a form (Gradio may send 4.0, a string, or nothing)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or number != int(number):
        raise LabError(f"{name} must be a whole number, not {value!r}.", "", f"Type a number such as 4 for {name}.")
    return int(number)


def real(value, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise LabError(f"{name} must be a number, not {value!r}.", "", f"Type a number such as 0.0002 for {name}.")
    return number


def parse_settings(text: str | dict | None) -> dict:
    """A method's settings: a dict, or 'key: value' lines read as YAML; empty values mean the method's default."""
    if isinstance(text, dict):
        return {k: v for k, v in text.items() if v is not None}
    import yaml

    try:
        data = yaml.safe_load(text or "") or {}
    except yaml.YAMLError as exc:
        raise LabError("The method settings are not valid 'key: value' lines.", str(exc).splitlines()[0],
                       "Write one setting per line, such as 'r: 16'.") from exc
    if not isinstance(data, dict):
        raise LabError("The method settings must be 'key: value' lines.", "", "Write one setting per line.")
    return {k: v for k, v in data.items() if v is not None}


def column_settings(columns: str | dict | None) -> dict:
    """A column mapping as TrainConfig's settings ({"prompt_column": "question", ...}): a dict {role: column} (a
    form's pickers) or 'role=column' pairs split by commas or lines (`--columns prompt=question,response=answer`).
    Roles: prompt, response, system (chat), text, label (classify); each task reads its own; an empty column is
    detected."""
    from lab.runs.config import TrainConfig

    how = ("Write it as prompt=<column>,response=<column> (chat; system=<column> optional) or "
           "text=<column>,label=<column> (classify).")
    if isinstance(columns, str):
        pairs = [part.partition("=") for part in columns.replace("\n", ",").split(",") if part.strip()]
        if bad := [role for role, sep, _ in pairs if not sep]:
            raise LabError(f"'{bad[0].strip()[:60]}' is not a role=column pair.", "", how)
        columns = {role.strip(): column.strip() for role, _, column in pairs}
    if not isinstance(columns, dict):
        if columns is None:
            return {}
        raise LabError(f"A column mapping is role=column pairs, not {repr(columns)[:60]}.", "", how)
    if unknown := [role for role in columns if role not in TrainConfig.COLUMNS]:
        raise LabError(f"'{str(unknown[0])[:60]}' is not a column role.",
                       "Chat data maps prompt, response and an optional system column; classify data text and label.",
                       how)
    if not_text := [c for c in columns.values() if c is not None and not isinstance(c, str)]:
        raise LabError(f"A column is named by text, not {repr(not_text[0])[:60]}.", "", how)
    return {TrainConfig.COLUMNS[role]: column.strip() for role, column in columns.items() if column and column.strip()}


def chosen(run_ids, what: str = "finished run") -> list[str]:
    """One or more run ids picked in a face; a LabError when none is, or when one is no text (a request may send
    any JSON value)."""
    ids = [run_ids] if isinstance(run_ids, (str, int, float, dict)) else list(run_ids or [])
    ids = [i for i in ids if i]
    if not ids:
        raise LabError("No run chosen.", "", f"Pick a {what} (refresh the list to see new ones).")
    if not_text := [i for i in ids if not isinstance(i, str)]:
        raise LabError(f"A run is chosen by its id, not {repr(not_text[0])[:60]}.", "",
                       f"Pick a {what} (refresh the list to see new ones).")
    return ids


def picked(run_ids, what: str = "finished run") -> str:
    """The run a one-run action (details, follow, stop, resume, download, merge, delete) acts on when a face sends
    several: the one picked last. A face's multiselect keeps the order the user picked them in, and its first is
    often the newest run the page started with, not the user's choice."""
    return chosen(run_ids, what)[-1]


def lines(text: str | list[str] | None) -> list[str]:
    """Texts typed one per line, or a list; blank ones dropped; anything else (a request may send any JSON value)
    refused."""
    items = text.splitlines() if isinstance(text, str) else list(text or []) if isinstance(text, (list, tuple)) \
        else [text]
    if not_text := [t for t in items if t is not None and not isinstance(t, str)]:
        raise LabError(f"{repr(not_text[0])[:60]} is not text.", "", "Type them one per line.")
    return [t.strip() for t in items if t and t.strip()]
