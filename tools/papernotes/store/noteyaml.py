"""The YAML of notes: a strict safe loader and the dumper of new notes. Apart from `notefile` so that
commands that parse no note (a warm `list`, `index`, `plan --show`) do not import PyYAML."""

from __future__ import annotations

from typing import Any

import yaml

try:
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader


class Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, refusing what people never mean in frontmatter: a key given twice (PyYAML would
    keep the last) and dates that do not exist."""

    flat_fast_path = True  # build flat frontmatter straight from the nodes (see _construct_flat_mapping)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep)
        if len(mapping) != len(node.value):  # a key given twice (or a merge key): find which
            seen: set[str] = set()
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in seen:
                        raise yaml.constructor.ConstructorError(None, None, f"duplicate key '{key_node.value}'", key_node.start_mark)
                    seen.add(key_node.value)
        return mapping

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            raise yaml.constructor.ConstructorError(None, None, f"'{node.value}' is not a date that exists", node.start_mark) from None

    def get_single_data(self) -> Any:
        return self.data_of(self.get_single_node())

    def data_of(self, node: yaml.Node | None) -> Any:
        """The document's values from its node (kept by the caller: the patcher edits by its marks)."""
        if node is None:
            return None
        if type(node) is yaml.MappingNode and self.flat_fast_path:
            flat = self._construct_flat_mapping(node)
            if flat is not None:
                return flat
        return self.construct_document(node)

    def _construct_flat_mapping(self, node: yaml.MappingNode) -> dict[str, Any] | None:
        """Frontmatter as notes hold it (text keys; text, number and date values; lists of text), built
        straight from the parsed nodes, or None for anything else, which takes PyYAML's general path.

        The same values PyYAML would build (the tags are already resolved): this path only skips its
        per-node bookkeeping, which is a third of a cold index run.
        """
        # Keys first: PyYAML resolves merge keys before building any value, so a value's error must not
        # be raised here before theirs.
        for key_node, _ in node.value:
            if type(key_node) is not yaml.ScalarNode or key_node.tag != _STR:
                return None
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            value_type = type(value_node)
            if value_type is yaml.ScalarNode:
                tag = value_node.tag
                if tag == _STR:
                    value = value_node.value
                elif tag == _INT:
                    value = self.construct_yaml_int(value_node)
                elif tag == _TIMESTAMP:
                    value = self.construct_yaml_timestamp(value_node)
                else:
                    return None
            elif value_type is yaml.SequenceNode and value_node.tag == _SEQ:
                value = [item.value for item in value_node.value if type(item) is yaml.ScalarNode and item.tag == _STR]
                if len(value) != len(value_node.value):
                    return None
            else:
                return None
            mapping[key_node.value] = value
        # A key given twice: the general path names it.
        return mapping if len(mapping) == len(node.value) else None


_STR, _INT, _TIMESTAMP, _SEQ = (f"tag:yaml.org,2002:{name}" for name in ("str", "int", "timestamp", "seq"))
Loader.add_constructor(_TIMESTAMP, Loader.construct_yaml_timestamp)


class AliasRefusingLoader(Loader):
    """For frontmatter that could hold an alias (it has a '*'): ten lines of them expand to gigabytes.
    A separate class because checking every node costs a tenth of a cold index run."""

    flat_fast_path = False  # an alias is a node met twice: only construct_object sees that

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            raise yaml.constructor.ConstructorError(None, None, "anchors and aliases are not supported", node.start_mark)
        return super().construct_object(node, deep)


class NoteDumper(yaml.SafeDumper):
    """Lists of plain values in flow style (`[a, b]`), as people write them by hand."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(isinstance(v, (str, int, float)) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


NoteDumper.add_representer(list, _represent_list)
