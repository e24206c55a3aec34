"""Walking parent chains in Python (addressbook.trees): bounded, and parents before children."""

from __future__ import annotations

from dataclasses import dataclass

from addressbook import trees
from addressbook.constants import MAX_TREE_DEPTH


@dataclass
class Node:
    pk: int
    parent_id: int | None = None


def chain(length: int) -> dict[int, Node]:
    """Nodes 0 … length-1, each the parent of the next."""
    return {number: Node(number, number - 1 if number else None) for number in range(length)}


def test_ancestors_are_listed_nearest_first():
    nodes = chain(4)

    found = trees.ancestors(nodes[3], lambda node: nodes.get(node.parent_id))

    assert [node.pk for node in found] == [2, 1, 0]
    assert trees.root(nodes[3], lambda node: nodes.get(node.parent_id)).pk == 0
    assert trees.root(nodes[0], lambda node: nodes.get(node.parent_id)).pk == 0


def test_a_cycle_cannot_make_a_walk_endless():
    # given two nodes that are each other's parent (a corrupt chain)
    nodes = {1: Node(1, 2), 2: Node(2, 1)}

    found = trees.ancestors(nodes[1], lambda node: nodes.get(node.parent_id))

    # then the walk stops one step past the deepest allowed chain, so "too deep" can be told
    assert len(found) == MAX_TREE_DEPTH + 1


def test_a_chain_deeper_than_allowed_is_visible_as_such():
    nodes = chain(MAX_TREE_DEPTH + 5)

    found = trees.ancestors(nodes[MAX_TREE_DEPTH + 4], lambda node: nodes.get(node.parent_id))

    assert len(found) > MAX_TREE_DEPTH


def test_parents_come_first_and_every_record_once():
    nodes = chain(4)
    records = [nodes[3], nodes[1], Node(9), nodes[2], nodes[0]]

    ordered = trees.parents_first(records, lambda node: nodes.get(node.parent_id))

    assert [node.pk for node in ordered] == [0, 1, 2, 3, 9]


def test_parents_outside_the_records_are_not_added():
    # given only the children of a parent that is not exported (another organisation's)
    records = [Node(2, 1), Node(3, 2)]
    by_id = {record.pk: record for record in records}

    ordered = trees.parents_first(records, lambda node: by_id.get(node.parent_id))

    assert [node.pk for node in ordered] == [2, 3]
