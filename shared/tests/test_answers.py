"""An answer rendered through its serializer names any key the serializer does not declare."""

import re

import pytest
from rest_framework import serializers

from shared.answers import UndescribedAnswer, ValuesRowSerializer, described


class Line(serializers.Serializer):
    units = serializers.IntegerField()


class Answer(serializers.Serializer):
    week = serializers.IntegerField()
    lines = Line(many=True)
    totals = serializers.DictField(child=Line())
    note = Line(allow_null=True)


def test_a_described_answer_renders_as_declared() -> None:
    answer = {"week": 3, "lines": [{"units": 2}], "totals": {"S001": {"units": 5}}, "note": None}

    assert described(Answer, answer) == answer


@pytest.mark.parametrize(
    ("answer", "where"),
    [
        ({"week": 3, "lines": [], "totals": {}, "note": None, "seconds": 1.0}, "the top"),
        ({"week": 3, "lines": [{"units": 2, "cost": 1}], "totals": {}, "note": None}, "lines[0]"),
        ({"week": 3, "lines": [], "totals": {"S1": {"units": 1, "x": 0}}, "note": None}, "S1"),
        ({"week": 3, "lines": [], "totals": {}, "note": {"units": 1, "why": ""}}, "note"),
    ],
)
def test_a_key_the_serializer_does_not_declare_is_an_error_naming_it(
    answer: dict, where: str
) -> None:
    with pytest.raises(UndescribedAnswer, match=re.escape(where)):
        described(Answer, answer)


class Row(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[("replenishment", "Replenishment")])
    store = serializers.CharField(source="store_id", allow_null=True)
    units = serializers.IntegerField()
    share = serializers.FloatField()
    partial = serializers.BooleanField()


class ValuesRow(ValuesRowSerializer, Row):
    pass


def test_rows_of_plain_values_render_as_the_base_serializer_renders_them() -> None:
    rows = [
        {"kind": "replenishment", "store_id": "S001", "units": 4, "share": 0.25, "partial": 1},
        {"kind": "replenishment", "store_id": None, "units": 0, "share": 1, "partial": False},
    ]

    assert ValuesRow(rows, many=True).data == Row(rows, many=True).data
    assert ValuesRow(rows, many=True).data[1] == {
        "kind": "replenishment",
        "store": None,
        "units": 0,
        "share": 1.0,
        "partial": False,
    }
