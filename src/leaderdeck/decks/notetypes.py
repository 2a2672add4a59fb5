"""Our frozen note types: one per item kind, with constant model, field and template ids.

Anki matches note types by id and forks a type ("Name+") when its fields or templates change, so
the field lists below are chosen once, with room for explanation, source, lesson and concept.
Changing a field or template list is a schema change: the lock file's fingerprint refuses it
unless the build is told otherwise. Template HTML and the stylesheet are package data in `assets/`;
each kind names its templates' files in its module in `leaderdeck.kinds`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache, cached_property
from importlib.resources import files
from typing import Any

from ..kinds import KINDS, NoteSpec

MODEL_STANDARD, MODEL_CLOZE = 0, 1
_SHARED_FIELDS = (("Explanation", 11), ("Source", 12), ("Lesson", 13), ("Concept", 14))


@dataclass(frozen=True)
class Template:
    name: str
    id: int
    front: str  # asset file names
    back: str


@dataclass(frozen=True)
class NoteType:
    kind: str
    id: int
    name: str
    fields: tuple[tuple[str, int], ...]  # (name, stable id), in field order
    templates: tuple[Template, ...]
    sort_field: str
    model_type: int = MODEL_STANDARD

    @cached_property  # read for every note of a large course
    def field_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.fields)

    def schema_fingerprint(self) -> str:
        """What Anki compares to decide whether an update forks the type: fields and templates."""
        shape = [self.id, self.model_type, self.fields, [(t.name, t.id) for t in self.templates]]
        return _digest(json.dumps(shape))

    def style_fingerprint(self) -> str:
        """Templates and CSS: changes here update the type in place (its `mod` must move)."""
        parts = [stylesheet(), self.name, self.sort_field]
        parts += [side for t in self.templates for side in template_html(t)]
        return _digest("\x1f".join(parts))


def _type(kind: str, number: int, fields: tuple[str, ...], templates: tuple[tuple[str, str], ...],
          sort_field: str, model_type: int = MODEL_STANDARD) -> NoteType:
    """Ids are literal constants derived from a fixed base: never renumber a published type."""
    model_id = 1_735_689_600_000 + number
    named = (("Uid", 1), *((name, index + 2) for index, name in enumerate(fields)), *_SHARED_FIELDS)
    return NoteType(
        kind=kind, id=model_id, name=f"leaderdeck {kind}",
        fields=tuple((name, model_id * 100 + offset) for name, offset in named),
        templates=tuple(Template(name, model_id * 100 + 50 + index, f"{stem}-front.html", f"{stem}-back.html")
                        for index, (name, stem) in enumerate(templates)),
        sort_field=sort_field, model_type=model_type)


def _from_spec(kind: str, spec: NoteSpec) -> NoteType:
    return _type(kind, spec.number, spec.fields, spec.templates, spec.sort_field,
                 MODEL_CLOZE if spec.cloze else MODEL_STANDARD)


# Each kind's note type is defined in its module in `leaderdeck.kinds` (`KIND.note`).
NOTE_TYPES: dict[str, NoteType] = {name: _from_spec(name, kind.note) for name, kind in KINDS.items()}


@cache
def _asset(name: str) -> str:
    return files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def stylesheet() -> str:
    return _asset("style.css")


@cache
def template_html(template: Template) -> tuple[str, str]:
    """(front, back) with the shared footer and the inline shuffle script filled in."""
    footer = _asset("templates/footer.html").strip()
    shuffle = "<script>\n" + _asset("shuffle.js").strip() + "\n</script>"
    front, back = (_asset(f"templates/{name}").replace("<!--footer-->", footer)
                   .replace("<!--shuffle-->", shuffle).strip()
                   for name in (template.front, template.back))
    return front, back


def model_json(note_type: NoteType, mod: int, deck_id: int) -> dict[str, Any]:
    """The legacy (schema 11) note type dict Anki's package importer reads."""
    return {
        "id": note_type.id, "name": note_type.name, "type": note_type.model_type, "mod": mod,
        "usn": -1, "sortf": note_type.field_names.index(note_type.sort_field), "did": deck_id,
        "tmpls": [_template_json(t, ord_) for ord_, t in enumerate(note_type.templates)],
        "flds": [_field_json(name, id_, ord_) for ord_, (name, id_) in enumerate(note_type.fields)],
        "css": stylesheet(), "latexPre": _LATEX_PRE, "latexPost": "\\end{document}",
        "latexsvg": False, "req": [], "tags": [], "vers": [],
    }


def _template_json(template: Template, ord_: int) -> dict[str, Any]:
    front, back = template_html(template)
    return {"name": template.name, "id": template.id, "ord": ord_, "qfmt": front, "afmt": back,
            "bqfmt": "", "bafmt": "", "did": None, "bfont": "", "bsize": 0}


def _field_json(name: str, id_: int, ord_: int) -> dict[str, Any]:
    return {"name": name, "id": id_, "ord": ord_, "sticky": False, "rtl": False,
            "font": "Arial", "size": 20, "media": []}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


_LATEX_PRE = ("\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n"
              "\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n"
              "\\begin{document}\n")
