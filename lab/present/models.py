"""A loaded model's description (lab.describe_model)."""

from __future__ import annotations

import html as _html


def _sentence(info: dict) -> str:
    return (f"in {info['precision']} on {info['device']}: {info['parameters'] / 1e6:.1f} M parameters, "
            f"{info['footprint_bytes'] / 2**20:.0f} MiB")


def markdown(info: dict) -> str:
    return f"**{info['name']}** {_sentence(info)}\n\nfrom `{info['path']}`"


def html(info: dict) -> str:
    return f"<b>{_html.escape(info['name'])}</b> {_html.escape(_sentence(info))}"


def text(info: dict) -> str:
    return f"{info['name']} {_sentence(info)}\nfrom {info['path']}"
