"""Attaching a thread's replies under their parents, whatever order their times put them in."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol


class Node(Protocol):
    id: int
    replies: list[Any]


def attach_replies(
    rows: Sequence[Any], by_id: dict[int, Node], make_node: Callable[[Any], Node]
) -> None:
    """Attach reply rows (in time order; ``row[1]`` is the parent id) under their parents in
    ``by_id``, adding each new node to it.

    Parents posted in Parley are older than their replies, so one pass attaches them all. An
    imported thread may hold a reply timed before its parent (clocks, edits in the source):
    such rows wait for another pass. A reply whose parent never appears is hidden from this
    viewer (someone else's pending comment) and is left out.
    """
    waiting = rows
    while waiting:
        later = []
        for row in waiting:
            parent = by_id.get(row[1])
            if parent is None:
                later.append(row)
                continue
            node = make_node(row)
            parent.replies.append(node)
            by_id[node.id] = node
        if len(later) == len(waiting):
            return
        waiting = later
