"""Answers rendered through the serializer that describes them in the API's schema, so the
schema and the answer cannot drift apart: a key the serializer does not declare is an error,
not a silent omission."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, cached_property
from typing import Any

from rest_framework import serializers


class UndescribedAnswer(Exception):
    """An answer holds a key its serializer does not declare (a programming error)."""


def _check(field: serializers.Field, value: Any, where: str) -> None:
    if value is None:
        return
    if isinstance(field, serializers.ListSerializer) and field.child is not None:
        for index, item in enumerate(value):
            _check(field.child, item, f"{where}[{index}]")
    elif isinstance(field, serializers.Serializer) and isinstance(value, Mapping):
        declared = field.fields
        extra = sorted(set(value) - set(declared))
        if extra:
            raise UndescribedAnswer(
                f"{type(field).__name__} at {where or 'the top'} does not declare {extra}"
            )
        for name, child in declared.items():
            if name in value:
                _check(child, value[name], f"{where}.{name}".lstrip("."))
    elif isinstance(field, serializers.DictField) and isinstance(value, Mapping):
        for key, item in value.items():
            _check(field.child, item, f"{where}.{key}")


def described(serializer_class: type[serializers.Serializer], answer: Any) -> dict[str, Any]:
    """`answer` (a mapping, or a dataclass for a dataclass serializer) as its serializer
    renders it; raises UndescribedAnswer when a mapping holds a key the serializer (or a
    nested one) does not declare."""
    serializer = serializer_class(answer)
    _check(serializer, answer, "")
    return dict(serializer.data)


class ValuesRowSerializer(serializers.Serializer):
    """A row given as a mapping of plain values (`QuerySet.values`), rendered as the base
    serializer renders it (each field's `to_representation` of its source value, None as
    None) without its attribute lookups a field: lists of hundreds of rows are the API's
    costliest answers. Fields read their `source` key, which must be a plain name."""

    @classmethod
    @cache
    def value_keys(cls) -> tuple[str, ...]:
        """The keys a row must hold, each readable field's source: what to ask
        `QuerySet.values` for."""
        return tuple(str(field.source) for field in cls().fields.values() if not field.write_only)

    @cached_property
    def _plain_fields(self) -> list[tuple[str, str, serializers.Field]]:
        return [
            (str(field.field_name), str(field.source), field) for field in self._readable_fields
        ]

    def to_representation(self, instance: Mapping[str, Any]) -> dict[str, Any]:
        return {
            name: None if (value := instance[source]) is None else field.to_representation(value)
            for name, source, field in self._plain_fields
        }
