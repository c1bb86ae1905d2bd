"""Seed benchmark data through Parley's own services (so counts, roots and HTML are real)."""

from __future__ import annotations

import random

from app.models import Comment, CommentStatus
from app.services import sites as site_service
from app.services import users as user_service
from app.services.comments import post_comment
from app.services.identity import Viewer

WORDS = (
    "the minister said missile defence budget council city residents report today why "
    "because however before after we they people think really should would could never "
    "always again the interceptor radar battery sirens night shelter evacuation drill "
    "numbers source article headline journalist readers question answer point fair honest "
    "local school road bridge tram taxes vote election parliament opposition statement"
).split()
NAMES = (
    "Anna Kowalski|Ben Okafor|Chiara Rossi|Dmytro Shevchenko|Elif Yilmaz|Farah Haddad|"
    "Gustav Berg|Hana Sato|Ivan Petrov|Julia Novak|Kofi Mensah|Lena Fischer|Mateo Garcia|"
    "Nina Larsen|Omar Aziz|Paula Silva|Quentin Moreau|Rosa Jimenez|Sven Olsen|Tomasz Wrobel"
).split("|")


def _sentence(rng: random.Random, links: bool = True) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 16))]
    roll = rng.random() if links else rng.random() * 0.38
    i = rng.randrange(len(words))
    if roll < 0.15:
        words[i] = f"**{words[i]}**"
    elif roll < 0.3:
        words[i] = f"*{words[i]}*"
    elif roll < 0.38:
        words[i] = f"`{words[i]}()`"
    elif roll < 0.46:
        words[i] = f"[{words[i]}](https://news.example/{rng.randint(1, 999)})"
    elif roll < 0.5:
        words[i] = f"https://example.org/story/{rng.randint(1, 999)}"
    return " ".join(words).capitalize() + rng.choice(".!?")


def markdown_body(rng: random.Random, low: int = 200, high: int = 600) -> str:
    """A Markdown comment body of ``low`` to ``high`` characters: paragraphs, quotes, lists.

    At most two links, so the default moderation rules (more than 3 links: held) publish it.
    """
    target = rng.randint(low, high)
    blocks: list[str] = []
    length = 0
    links = [rng.random() < 0.5, rng.random() < 0.2]

    def sentence() -> str:
        return _sentence(rng, links.pop() if links else False)

    while length < target:
        kind = rng.random()
        if kind < 0.12 and blocks:
            block = "> " + sentence()
        elif kind < 0.22:
            block = "\n".join(f"- {sentence()}" for _ in range(rng.randint(2, 3)))
        else:
            block = " ".join(sentence() for _ in range(rng.randint(1, 3)))
        blocks.append(block)
        length += len(block) + 2
    text = "\n\n".join(blocks)
    if len(text) > high:
        text = text[:high].rsplit(" ", 1)[0]
    while len(text) < low:
        text += " " + rng.choice(WORDS)
    return text


def _require_published(comment: Comment) -> None:
    if comment.status != CommentStatus.APPROVED:
        raise RuntimeError(
            f"seeded comment {comment.id} is {comment.status.value} ({comment.reasons}): "
            "the benchmark's data must pass the default moderation rules"
        )


def seed(
    site_slug: str,
    thread_key: str,
    other_keys: list[str],
    comments: int = 1000,
    top_share: float = 0.3,
    seed_value: int = 2026,
) -> dict[str, int]:
    """Create the site, a few reader accounts, the big thread and small threads elsewhere.

    Returns how many comments each article got. Runs inside an app context.
    """
    rng = random.Random(seed_value)
    site_service.create_site(site_slug, "Bench News", ["https://news.example"])
    readers = [
        user_service.create_user(f"reader{n}@bench.example", f"Reader {n}", f"bench-password-{n}")
        for n in range(5)
    ]

    def viewer(n: int) -> Viewer:
        if rng.random() < 0.15:
            return Viewer(user=rng.choice(readers), ip=f"10.0.0.{n % 250 + 1}")
        return Viewer(ip=f"10.0.{n % 200}.{n % 250 + 1}")

    def guest_name() -> str:
        return rng.choice(NAMES)

    # Top-level comments first; then each reply picks a top-level comment uniformly and a
    # random comment inside that subtree as its parent (so at a random depth, capped by the
    # service at PARLEY_MAX_DEPTH). Replies thus spread evenly over the pages of the thread.
    tops = max(1, round(comments * top_share))
    subtrees: dict[int, list[int]] = {}  # top-level id -> ids in its subtree
    for n in range(comments):
        parent_id = None if n < tops else rng.choice(subtrees[rng.choice(list(subtrees))])
        comment = post_comment(
            site_slug=site_slug,
            article_key=thread_key,
            body=markdown_body(rng),
            viewer=viewer(n),
            parent_id=parent_id,
            author_name=guest_name(),
            article_title="Air-defence drill tonight: what residents need to know",
            article_url="https://news.example/air-defence-drill",
        )
        _require_published(comment)
        subtrees.setdefault(comment.root_id or comment.id, []).append(comment.id)
    made = {thread_key: comments}
    for key in other_keys:
        count = rng.randint(0, 12)
        for n in range(count):
            comment = post_comment(
                site_slug=site_slug,
                article_key=key,
                body=markdown_body(rng),
                viewer=viewer(n),
                author_name=guest_name(),
            )
            _require_published(comment)
        made[key] = count
    return made
