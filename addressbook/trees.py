"""Walking parent chains in Python: organisations and codes, stored or held in memory.

PostgreSQL walks whole sub-trees (``TreeQuerySet.with_descendants``, the cycle trigger); these
helpers walk one record's chain upwards, for checks and orderings that already hold the rows.
Every walk stops after ``MAX_TREE_DEPTH + 1`` steps, so a corrupt chain (a cycle written
before the trigger existed, say) cannot loop for ever, and a chain one level too deep can
still be reported as such.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from addressbook.constants import MAX_TREE_DEPTH

Node = TypeVar("Node")


def ancestors(node: Node, parent: Callable[[Node], Node | None]) -> list[Node]:
    """The chain above ``node``, nearest first; ``parent`` gives a node's parent or None."""
    chain: list[Node] = []
    current = parent(node)
    while current is not None and len(chain) <= MAX_TREE_DEPTH:
        chain.append(current)
        current = parent(current)
    return chain


def root(node: Node, parent: Callable[[Node], Node | None]) -> Node:
    """The top of ``node``'s chain (``node`` itself when it has no parent)."""
    chain = ancestors(node, parent)
    return chain[-1] if chain else node


def parents_first(records: Iterable, parent: Callable) -> list:
    """The records in their order, except that a parent always comes before its children.

    ``parent`` finds a record's parent among ``records`` (None when it is not among them).
    """
    placed: set = set()
    result = []
    for record in records:
        for node in reversed([record, *ancestors(record, parent)]):
            if node.pk not in placed:
                placed.add(node.pk)
                result.append(node)
    return result
