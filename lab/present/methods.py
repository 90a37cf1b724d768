"""A method's help and its settings as the 'key: value' lines a form edits."""

from __future__ import annotations

import html as _html


def help_markdown(method: dict) -> str:
    lines = [f"**{method['name']}**: {method['summary']}"]
    lines += [f"- `{s['name']}` ({s['default']!r}): {s['help']}" for s in method["settings"]]
    return "\n".join(lines)


def help_html(method: dict) -> str:
    items = "".join(f"<li><code>{_html.escape(s['name'])}</code> ({_html.escape(repr(s['default']))}): "
                    f"{_html.escape(s['help'])}</li>" for s in method["settings"])
    return f"<b>{_html.escape(method['name'])}</b>: {_html.escape(method['summary'])}<ul>{items}</ul>"


def settings_text(method: dict, values: dict | None = None) -> str:
    """'key: value' lines (the defaults, or `values` such as a run's); lab.parse_settings reads them back (an empty
    value means the default)."""
    values = {s["name"]: s["default"] for s in method["settings"]} | (values or {})
    return "\n".join(f"{name}: {'' if values[name] is None else values[name]}"
                     for name in (s["name"] for s in method["settings"]))
