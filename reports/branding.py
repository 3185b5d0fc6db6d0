"""White-label options for the HTML report: the agency's name, logo, accent colour and title.

Agencies hand the report to their clients under their own name. By default the report names the
tool; with an agency set it does not, and ``tool_in_footer`` puts the tool's name back in the
footer only. Options come from the command line or a TOML file (:meth:`Branding.from_toml`); bad
input raises a ``ValueError`` that says which option and why.
"""

from __future__ import annotations

import base64
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
LOGO_MAX_BYTES = 1_000_000  # a logo, not a photograph: the report must stay small
_LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".webp": "image/webp", ".svg": "image/svg+xml"}
_FIELDS = ("agency", "logo", "accent", "tool_in_footer", "title")


@dataclass(frozen=True, slots=True)
class Branding:
    """Who the report is from and how it looks. Validated on creation."""

    agency: str = ""
    logo: Path | None = None
    accent: str = "#0b5fff"
    tool_in_footer: bool = False
    title: str | None = None

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """ValueError naming the option when one is wrong (run on creation and by ``dataclasses.replace``)."""
        if not isinstance(self.agency, str):
            raise ValueError(f"branding agency must be text, not {type(self.agency).__name__}")
        if not isinstance(self.accent, str) or not HEX_COLOUR.match(self.accent):
            raise ValueError(f"branding accent {self.accent!r} is not a CSS hex colour (#rgb or #rrggbb)")
        if not isinstance(self.tool_in_footer, bool):
            raise ValueError("branding tool_in_footer must be true or false")
        if self.title is not None and not isinstance(self.title, str):
            raise ValueError(f"branding title must be text, not {type(self.title).__name__}")
        if self.logo is not None:
            _logo_type(Path(self.logo))

    @property
    def white_label(self) -> bool:
        """Whether the report is the agency's: the tool is then named in the footer at most."""
        return bool(self.agency.strip())

    @property
    def tool_named_in_body(self) -> bool:
        """The tool's name in the title, header and method section (not white-label, not footer-only)."""
        return not self.white_label and not self.tool_in_footer

    @property
    def tool_named_in_footer(self) -> bool:
        return self.tool_in_footer or not self.white_label

    def logo_data_uri(self) -> str | None:
        """The logo as a ``data:`` URI, so the report needs no file beside it; None without a logo."""
        if self.logo is None:
            return None
        path = Path(self.logo)
        mime = _logo_type(path)
        return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"

    @classmethod
    def from_toml(cls, path: Path) -> Branding:
        """Branding from a TOML file: top-level keys or a ``[branding]`` table (agency, logo, accent,
        tool_in_footer, title). A relative logo path is relative to the file."""
        path = Path(path)
        try:
            data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ValueError(f"cannot read branding file {path}: {exc.strerror or exc}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"branding file {path} is not valid TOML: {exc}") from exc
        table = data.get("branding", data)
        if not isinstance(table, dict):
            raise ValueError(f"branding file {path}: [branding] must be a table")
        unknown = sorted(set(table) - set(_FIELDS))
        if unknown:
            raise ValueError(f"branding file {path}: unknown option(s) {', '.join(unknown)}; "
                             f"known: {', '.join(_FIELDS)}")
        logo = table.get("logo")
        if logo is not None:
            if not isinstance(logo, str) or not logo:
                raise ValueError(f"branding file {path}: logo must be a file path")
            logo_path = Path(logo).expanduser()
            table = {**table, "logo": logo_path if logo_path.is_absolute() else path.parent / logo_path}
        return cls(**table)


def _logo_type(path: Path) -> str:
    """The logo's MIME type; ValueError when it is missing, too big or not an image we can embed."""
    mime = _LOGO_TYPES.get(path.suffix.lower())
    if mime is None:
        raise ValueError(f"branding logo {path}: use a {', '.join(sorted(_LOGO_TYPES))} file")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ValueError(f"branding logo {path} cannot be read: {exc.strerror or exc}") from exc
    if not path.is_file():
        raise ValueError(f"branding logo {path} is not a file")
    if size > LOGO_MAX_BYTES:
        raise ValueError(f"branding logo {path} is {size} bytes; at most {LOGO_MAX_BYTES} are embedded")
    return mime
