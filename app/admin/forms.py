"""Edit forms derived from a table's columns, and the request model that validates what comes back."""

from __future__ import annotations

import json
import re
import types
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Union, get_args, get_origin

from annotated_types import MaxLen
from pydantic import Field, ValidationError, create_model

from app.admin.registry import FIELD_LABELS, SYSTEM_FIELDS, Editable
from app.core.errors import Invalid, field_errors
from app.core.labels import LABELS
from app.core.schemas import RequestModel
from app.core.timeutil import CHINA

_SPLIT = re.compile(r"[,，、;；\n]+")


@dataclass
class FormField:
    name: str
    label: str
    kind: str  # str text int float date datetime bool list json choice choices
    required: bool
    max_length: int | None
    options: list[tuple[str, str]]


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0], True
    return annotation, False


def _kind(annotation: Any) -> str:
    base, _ = _unwrap(annotation)
    if get_origin(base) is list:
        (item,) = get_args(base) or (str,)
        return "list" if item is str else "json"
    if get_origin(base) is dict:
        return "json"
    return {bool: "bool", int: "int", float: "float", date: "date", datetime: "datetime"}.get(base, "str")


def _max_length(info: Any) -> int | None:
    for m in info.metadata:
        if isinstance(m, MaxLen):
            return int(m.max_length)
    return None


def fields_of(entry: Editable) -> list[FormField]:
    out = []
    for name, info in entry.model.model_fields.items():
        if name in SYSTEM_FIELDS:
            continue
        kind = _kind(info.annotation)
        options: list[tuple[str, str]] = []
        enum = entry.choices.get(name)
        if enum is not None:
            options = [(m.value, LABELS.get(enum, {}).get(m.value, m.value)) for m in enum]
            kind = "choices" if kind in ("list", "json") else "choice"
        elif name in entry.textareas:
            kind = "text"
        out.append(FormField(name, FIELD_LABELS.get(name, name), kind, info.is_required(), _max_length(info), options))
    return out


_MODELS: dict[str, type[RequestModel]] = {}


def request_model(entry: Editable) -> type[RequestModel]:
    """`<Model>AdminEdit`: the table's editable columns with their types and lengths, `extra="forbid"`."""
    if entry.key not in _MODELS:
        _MODELS[entry.key] = _build_model(entry)
    return _MODELS[entry.key]


def _build_model(entry: Editable) -> type[RequestModel]:
    definitions: dict[str, Any] = {}
    for name, info in entry.model.model_fields.items():
        if name in SYSTEM_FIELDS:
            continue
        annotation = info.annotation
        enum: type[StrEnum] | None = entry.choices.get(name)
        if enum is not None:
            base, optional = _unwrap(annotation)
            annotation = list[enum] if get_origin(base) is list else (enum | None if optional else enum)  # type: ignore[valid-type]
        kwargs: dict[str, Any] = {}
        if (length := _max_length(info)) is not None:
            kwargs["max_length"] = length
        if info.is_required():
            definitions[name] = (annotation, Field(**kwargs))
        elif info.default_factory is not None:
            definitions[name] = (annotation, Field(default_factory=info.default_factory, **kwargs))
        else:
            definitions[name] = (annotation, Field(default=info.default, **kwargs))
    if "trl" in definitions:
        definitions["trl"] = (int, Field(default=4, ge=1, le=9))
    return create_model(f"{entry.model.__name__}AdminEdit", __base__=RequestModel, **definitions)


def _convert(field: FormField, raw: list[str], optional: bool) -> Any:
    value = raw[-1].strip() if raw else ""
    if field.kind == "bool":
        return value in ("on", "1", "true")
    if field.kind == "choices":
        return [v for v in raw if v]
    if field.kind == "list":
        return [p.strip() for p in _SPLIT.split(value) if p.strip()]
    if field.kind == "json":
        if not value:
            return []
        try:
            return json.loads(value)
        except ValueError:
            return value  # the model refuses it with a field error
    if value == "":
        return None if optional or field.kind not in ("str", "text", "choice") else ""
    if field.kind == "datetime":
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        return parsed.replace(tzinfo=CHINA) if parsed.tzinfo is None else parsed
    return value


def parse_form(entry: Editable, form: Any) -> dict[str, Any]:
    """The form's strings as a validated dict of the editable columns; `Invalid` with field errors otherwise."""
    data: dict[str, Any] = {}
    for f in fields_of(entry):
        info = entry.model.model_fields[f.name]
        _, optional = _unwrap(info.annotation)
        raw = [v for v in form.getlist(f.name) if isinstance(v, str)]
        if not raw and f.kind not in ("bool", "choices"):
            continue
        data[f.name] = _convert(f, raw, optional)
    try:
        return request_model(entry).model_validate(data).model_dump(mode="python")
    except ValidationError as exc:
        errors = field_errors(exc.errors())
        for e in errors:
            e["label"] = FIELD_LABELS.get(e["field"].split(".")[0], e["field"])
        raise Invalid(detail=errors) from exc


def form_values(entry: Editable, row: Any) -> dict[str, str]:
    """A row's editable values as the strings the form shows."""
    out: dict[str, str] = {}
    for f in fields_of(entry):
        value = getattr(row, f.name, None)
        if value is None:
            out[f.name] = ""
        elif f.kind == "list":
            out[f.name] = "、".join(str(v) for v in value)
        elif f.kind == "json":
            out[f.name] = json.dumps(value, ensure_ascii=False) if value else ""
        elif f.kind == "datetime":
            out[f.name] = value.astimezone(CHINA).strftime("%Y-%m-%dT%H:%M")
        elif f.kind == "choices":
            out[f.name] = ",".join(value)
        else:
            out[f.name] = str(value.value if isinstance(value, StrEnum) else value)
    return out
