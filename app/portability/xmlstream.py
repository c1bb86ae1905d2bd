"""Streaming, hardened XML reading for the XML importers (Disqus, WordPress WXR).

The parser is defusedxml's: a document that declares entities (billion laughs, quadratic
blow-up) or refers to external ones is refused before anything is expanded or fetched. Each
record element is handed over once complete and then removed from the tree, so memory holds
one record at a time whatever the file's size.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from app.portability.records import ImportFailure


def local(tag: str) -> str:
    """A tag without its namespace: ``{http://disqus.com}post`` -> ``post``."""
    return tag.rpartition("}")[2]


def records(
    handle: IO[bytes], name: str, depth: int, root_check
) -> Iterator[tuple[Element, dict[str, str]]]:
    """Yield each complete element ``depth`` levels down (the root is 1), with the namespaces
    declared so far (prefix -> URI). ``root_check(root, namespaces)`` returns what is wrong
    when the document is not the expected kind (then ImportFailure), or None."""
    stack: list[Element] = []
    namespaces: dict[str, str] = {}
    try:
        for event, item in iterparse(handle, events=("start-ns", "start", "end")):
            if event == "start-ns":
                prefix, uri = item
                namespaces.setdefault(prefix, uri)
            elif event == "start":
                if not stack:
                    problem = root_check(item, namespaces)
                    if problem is not None:
                        raise ImportFailure(name, problem)
                stack.append(item)
            else:
                stack.pop()
                if len(stack) == depth - 1:
                    yield item, namespaces
                    stack[-1].remove(item)
    except ParseError as error:
        line, column = error.position
        reason = str(error).split(":")[0]
        raise ImportFailure(
            f"{name}, line {line}, column {column + 1}", f"malformed XML ({reason})"
        ) from None
    except DefusedXmlException as error:
        raise ImportFailure(
            name,
            f"refused: the XML declares entities or a DTD ({type(error).__name__}); "
            "exports never need them",
        ) from None


def child_text(element: Element, tag: str) -> str | None:
    """The text of the first child with this namespaced tag, or None."""
    found = element.find(tag)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None
