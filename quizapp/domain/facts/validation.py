"""Validation of a fact file's data: every problem of a file collected, with its place."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from quizapp.domain.facts.fields import (
    _DATE_HINT,
    _KEY,
    _RELATION_KEY,
    Check,
    _amount,
    _anything,
    _currency,
    _date_like,
    _describe,
    _description,
    _did_you_mean,
    _flag,
    _image_name,
    _name,
    _optional_source,
    _optional_text,
    _parse_iso_date,
    _qualifier,
    _question_or_false,
    _source,
    _template_problems,
    _text,
    _texts,
    _whole,
    cloze_parts,
)
from quizapp.domain.facts.model import (
    ENTITY_TYPES,
    VALUE_TYPES,
    Deck,
    Entity,
    Fact,
    FactFileError,
    Problem,
    Relation,
)
from quizapp.domain.facts.presets import LIBRARIES, PRESETS, expand_use, preset_data
from quizapp.domain.facts.values import Money, Quantity, TextValue, Value
from quizapp.domain.numbers import (
    canonical_qualifier,
)


class DeckReader:
    """Validates one file's data, collecting every problem before giving up."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        # Keys that were declared but are invalid: references to them are not errors
        # of their own, so that one mistake is reported once.
        self.broken_relations: set[str] = set()
        self.broken_entities: set[str] = set()

    def error(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.filename, where, message))

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(Problem(self.filename, where, message))

    def fields(
        self,
        where: str,
        data: Any,
        required: Mapping[str, Check],
        optional: Mapping[str, Check],
    ) -> dict[str, Any] | None:
        """Check a table's fields; return those present and of the right type."""
        if not isinstance(data, dict):
            self.error(where, f"must be a table, not {_describe(data)}")
            return None
        known = {**required, **optional}
        for name in data:
            if name not in known:
                self.error(where, f"unknown field '{name}'{_did_you_mean(name, known)}")
        for name in required:
            if name not in data:
                self.error(where, f"missing required field '{name}'")
        valid = {}
        for name, check in known.items():
            if name not in data:
                continue
            if problem := check(data[name]):
                self.error(where, f"field '{name}' {problem}")
            else:
                valid[name] = data[name]
        return valid

    def key(self, where: str, name: str, key: str, pattern: re.Pattern[str] = _KEY) -> bool:
        if pattern.match(key):
            return True
        allowed = "lowercase letters, digits and '-'"
        if pattern is _RELATION_KEY:
            allowed = "lowercase letters, digits, '_' and '-', starting with a letter"
        self.error(where, f"bad {name} key '{key}' (use {allowed})")
        return False

    # The file as a whole.

    def read(self, data: Mapping[str, Any]) -> Deck:
        sections = {"deck", "relations", "entities", "facts"}
        for name in data:
            if name not in sections:
                self.error("top level", f"unknown table '{name}'{_did_you_mean(name, sections)}")
        header = None
        if "deck" in data:
            header = self.header(data["deck"])
        else:
            self.error("top level", "missing the [deck] table")
        relations = self.relations(
            data.get("relations", {}), wanted=_preset_names(data.get("facts", []))
        )
        entities = self.entities(data.get("entities", {}))
        facts = self.facts(data.get("facts", []), relations, entities)
        if self.problems or header is None:
            raise FactFileError(self.problems)
        return Deck(
            **header,
            relations=dict(sorted(relations.items())),
            entities=dict(sorted(entities.items())),
            facts=tuple(facts),
            warnings=tuple(self.warnings),
        )

    def header(self, data: Any) -> dict[str, Any] | None:
        required = {"key": _name, "title": _name, "as_of": _date_like, "language": _name}
        # A source is good practice, not a condition: a teacher's own questions have none.
        optional = {"description": _description, "source": _optional_source}
        fields = self.fields("deck", data, required, optional)
        if fields is None:
            return None
        if "key" in fields:
            self.key("deck", "deck", fields["key"])
        as_of = None
        if "as_of" in fields and (as_of := _parse_iso_date(fields["as_of"])) is None:
            self.error("deck", f"field 'as_of': bad date '{fields['as_of']}' {_DATE_HINT}")
        if as_of is None or not required.keys() <= fields.keys():
            return None
        return {
            "key": fields["key"],
            "title": fields["title"],
            "description": fields.get("description", ""),
            "source": fields.get("source", "").strip(),
            "as_of": as_of,
            "language": fields["language"],
        }

    # Relations and entities.

    def relations(self, data: Any, wanted: frozenset[str] = frozenset()) -> dict[str, Relation]:
        if not isinstance(data, dict):
            self.error("relations", f"must be tables [relations.KEY], not {_describe(data)}")
            return {}
        data = self.with_presets(data, wanted)
        relations = {}
        for key, raw in data.items():
            where = f"relation '{key}'"
            count = len(self.problems)
            self.key(where, "relation", key, _RELATION_KEY)
            fields = self.fields(
                where,
                raw,
                {
                    "label": _name,
                    "subject": _text,
                    "value": _text,
                    "forward": _text,
                    "reverse": _question_or_false,
                    "statement": _text,
                },
                {"many": _flag, "unique": _flag},
            )
            if fields is None:
                self.broken_relations.add(key)
                continue
            self.relation_types(where, fields)
            self.relation_templates(where, fields)
            if len(self.problems) > count:
                self.broken_relations.add(key)
                continue
            many = fields.get("many", False)
            relations[key] = Relation(
                key=key,
                label=fields["label"],
                subject=fields["subject"],
                value=fields["value"],
                forward=fields["forward"],
                reverse=fields["reverse"] or None,
                statement=fields["statement"],
                many=many,
                unique=fields.get("unique", not many),
            )
        return relations

    def with_presets(self, data: dict[str, Any], wanted: frozenset[str]) -> dict[str, Any]:
        """The file's relation tables plus the presets it uses (`use = [...]`, or by name
        in a fact); a table the file writes replaces the preset of its key."""
        # `use = [...]` names presets; a table `[relations.use]` is a relation called "use"
        # (decks had them before presets existed).
        directive = "use" in data and not isinstance(data["use"], dict)
        tables = {key: raw for key, raw in data.items() if key != "use" or not directive}
        names: list[str] = []
        if directive:
            use = data["use"]
            if not isinstance(use, list) or not all(isinstance(n, str) for n in use):
                problem = f"field 'use' must be a list of names, not {_describe(use)}"
                self.error("relations", problem)
            else:
                names, unknown = expand_use(use)
                for name in unknown:
                    known = [*LIBRARIES, *PRESETS]
                    self.error(
                        "relations",
                        f"field 'use': no preset or library '{name}'{_did_you_mean(name, known)}",
                    )
        for key in [*names, *sorted(wanted)]:
            if key not in tables:
                tables[key] = preset_data(key)
        return tables

    def relation_types(self, where: str, fields: Mapping[str, Any]) -> None:
        for name, allowed in (("subject", ENTITY_TYPES), ("value", VALUE_TYPES)):
            if name in fields and fields[name] not in allowed:
                self.error(
                    where,
                    f"field '{name}': unknown type '{fields[name]}' "
                    f"(expected one of: {', '.join(allowed)})",
                )

    def relation_templates(self, where: str, fields: Mapping[str, Any]) -> None:
        templates = (
            ("forward", {"subject"}, {"subject"}),
            ("reverse", {"value"}, {"value"}),
            ("statement", {"subject", "value"}, {"subject", "value"}),
        )
        for name, required, allowed in templates:
            if isinstance(fields.get(name), str):
                for problem in _template_problems(fields[name], required, allowed):
                    self.error(where, f"field '{name}' {problem}")

    def entities(self, data: Any) -> dict[str, Entity]:
        if not isinstance(data, dict):
            self.error("entities", f"must be tables [entities.KEY], not {_describe(data)}")
            return {}
        entities = {}
        for key, raw in data.items():
            where = f"entity '{key}'"
            count = len(self.problems)
            self.key(where, "entity", key)
            fields = self.fields(
                where,
                raw,
                {"name": _name, "type": _text},
                {"aliases": _texts, "description": _description},
            )
            if fields and "type" in fields and fields["type"] not in ENTITY_TYPES:
                self.error(
                    where,
                    f"field 'type': unknown type '{fields['type']}' "
                    f"(expected one of: {', '.join(ENTITY_TYPES)})",
                )
            if fields is None or len(self.problems) > count:
                self.broken_entities.add(key)
                continue
            entities[key] = Entity(
                key=key,
                name=fields["name"],
                type=fields["type"],
                aliases=tuple(fields.get("aliases", ())),
                description=fields.get("description", ""),
            )
        return entities

    # Facts.

    def facts(
        self, data: Any, relations: Mapping[str, Relation], entities: Mapping[str, Entity]
    ) -> list[Fact]:
        if not isinstance(data, list):
            self.error("facts", f"must be [[facts]] tables, not {_describe(data)}")
            return []
        facts: list[Fact] = []
        first_use: dict[str, str] = {}
        # (relation, subject) -> fact key, to enforce `unique`; (relation, subject, value) too.
        stated: dict[tuple[str, str], str] = {}
        statements: dict[tuple[Any, ...], str] = {}
        for number, raw in enumerate(data, start=1):
            key = raw.get("key") if isinstance(raw, dict) else None
            named = isinstance(key, str) and bool(_KEY.match(key))
            where = f"fact '{key}'" if named else f"fact #{number}"
            count = len(self.problems)
            fact = self.fact(where, raw, relations, entities)
            if named:
                if key in first_use:
                    self.error(where, f"duplicate fact key (first used by {first_use[key]})")
                else:
                    first_use[key] = f"fact #{number}"
            if fact is None or len(self.problems) > count:
                continue
            relation = relations[fact.relation]
            if relation.unique:
                other = stated.setdefault((fact.relation, fact.subject), fact.key)
                if other != fact.key:
                    self.error(
                        where,
                        f"'{fact.subject}' already has a '{fact.relation}' fact (fact '{other}'); "
                        f"set `unique = false` on relation '{fact.relation}' if it can have more",
                    )
                    continue
            for value in fact.values:
                first = statements.setdefault(
                    (fact.relation, fact.subject, value.identity), fact.key
                )
                if first != fact.key:
                    self.warn(where, f"states '{value.display}' again (see fact '{first}')")
            facts.append(fact)
        return facts

    def fact(
        self,
        where: str,
        raw: Any,
        relations: Mapping[str, Relation],
        entities: Mapping[str, Entity],
    ) -> Fact | None:
        fields = self.fields(
            where,
            raw,
            {
                "key": _name,
                "subject": _text,
                "relation": _text,
                "value": _anything,
                "evidence": _text,
            },
            {
                "cloze": _text,
                "accepted": _texts,
                "source": _source,
                "choices": _texts,
                "image": _image_name,
            },
        )
        if fields is None:
            return None
        if "key" in fields:
            self.key(where, "fact", fields["key"])
        relation = None
        if "relation" in fields:
            name = fields["relation"]
            relation = relations.get(name)
            if relation is None and name not in self.broken_relations:
                hint = _did_you_mean(name, [*relations, *PRESETS])
                self.error(where, f"unknown relation '{name}'{hint}")
        if relation is not None and "subject" in fields:
            self.entity(where, "subject", fields["subject"], relation.subject, relation, entities)
        values = None
        if relation is not None and "value" in fields:
            values = self.fact_values(where, fields["value"], relation, entities)
        cloze = fields.get("cloze")
        if cloze is not None and "evidence" in fields and _missing(fields["evidence"], cloze):
            self.warn(where, f"cloze '{cloze}' does not occur in the evidence: no cloze question")
        if values is None or not {"key", "subject", "evidence"} <= fields.keys():
            return None
        return Fact(
            key=fields["key"],
            subject=fields["subject"],
            relation=fields["relation"],
            values=values,
            evidence=fields["evidence"],
            cloze=cloze,
            accepted=tuple(fields.get("accepted", ())),
            source=fields.get("source"),
            choices=tuple(fields.get("choices", ())),
            image=fields.get("image"),
        )

    def entity(
        self,
        where: str,
        field_name: str,
        key: str,
        expected_type: str,
        relation: Relation,
        entities: Mapping[str, Entity],
    ) -> Entity | None:
        entity = entities.get(key)
        if entity is None:
            if key not in self.broken_entities:
                hint = _did_you_mean(key, entities)
                self.error(where, f"unknown entity '{key}' in field '{field_name}'{hint}")
            return None
        if entity.type != expected_type:
            self.error(
                where,
                f"field '{field_name}': '{key}' is a {entity.type}, "
                f"but relation '{relation.key}' needs a {expected_type}",
            )
            return None
        return entity

    def fact_values(
        self, where: str, raw: Any, relation: Relation, entities: Mapping[str, Entity]
    ) -> tuple[Value, ...] | None:
        if relation.many:
            if not isinstance(raw, list):
                self.error(
                    where,
                    f"field 'value' must be a list (relation '{relation.key}' has many values), "
                    f"not {_describe(raw)}",
                )
                return None
            if not raw:
                self.error(where, "field 'value' must not be an empty list")
                return None
            items = raw
        elif isinstance(raw, list):
            self.error(
                where,
                f"field 'value' must be a single value, not a list (relation '{relation.key}' "
                "has one value per fact; set `many = true` on it for lists)",
            )
            return None
        else:
            items = [raw]
        values = [self.value(where, item, relation, entities) for item in items]
        if any(value is None for value in values):
            return None
        identities = [value.identity for value in values]
        if len(set(identities)) < len(identities):
            self.error(where, "field 'value' lists the same value twice")
            return None
        return tuple(values)

    def value(
        self, where: str, raw: Any, relation: Relation, entities: Mapping[str, Entity]
    ) -> Value | None:
        kind = relation.value
        if kind in ENTITY_TYPES:
            if not isinstance(raw, str):
                self.error(where, f"field 'value' must be an entity key, not {_describe(raw)}")
                return None
            entity = self.entity(where, "value", raw, kind, relation, entities)
            return entity.ref if entity else None
        if kind == "date":
            if problem := _date_like(raw):
                self.error(where, f"field 'value' {problem}")
                return None
            date = _parse_iso_date(raw)
            if date is None:
                self.error(where, f"field 'value': bad date '{raw}' {_DATE_HINT}")
            return date
        if kind == "text":
            return self.text_value(where, raw)
        return self.amount_value(where, raw, kind)

    def text_value(self, where: str, raw: Any) -> TextValue | None:
        if isinstance(raw, str):
            if problem := _text(raw):
                self.error(where, f"field 'value' {problem}")
                return None
            return TextValue(raw)
        if not isinstance(raw, dict):
            self.error(where, f"field 'value' must be text, not {_describe(raw)}")
            return None
        fields = self.fields(f"{where}, value", raw, {"text": _text}, {"aliases": _texts})
        if fields is None or "text" not in fields:
            return None
        return TextValue(fields["text"], tuple(fields.get("aliases", ())))

    def amount_value(self, where: str, raw: Any, kind: str) -> Quantity | Money | None:
        example = (
            '{ amount = 1e12, unit = "parameters" }'
            if kind == "number"
            else '{ amount = 2e9, currency = "USD" }'
        )
        if not isinstance(raw, dict):
            self.error(
                where, f"field 'value' must be a {kind} like {example}, not {_describe(raw)}"
            )
            return None
        count = len(self.problems)
        extra = {"unit": _optional_text} if kind == "number" else {}
        required = {"amount": _amount} | ({"currency": _currency} if kind == "money" else {})
        fields = self.fields(f"{where}, value", raw, required, {**extra, "qualifier": _qualifier})
        if fields is None or len(self.problems) > count:
            return None
        amount = _whole(fields["amount"])
        qualifier = canonical_qualifier(fields.get("qualifier", "exact")) or "exact"
        if kind == "number":
            return Quantity(amount, fields.get("unit", ""), qualifier)
        return Money(amount, fields["currency"], qualifier)


def _missing(evidence: str, words: str) -> bool:
    return len(cloze_parts(evidence, words)) == 1


def _preset_names(facts: Any) -> frozenset[str]:
    """The preset keys that facts name as their relation."""
    if not isinstance(facts, list):
        return frozenset()
    names = (fact.get("relation") for fact in facts if isinstance(fact, dict))
    return frozenset(name for name in names if isinstance(name, str) and name in PRESETS)
