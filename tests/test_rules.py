"""The automatic moderation rules: each rule, the Unicode evasions, and how posting records them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Article, AuditEntry, Comment, CommentStatus, Site, User, utcnow
from app.services.identity import Viewer
from app.services.rules import decide_status, find_terms, fold_variants, shouting_reason
from app.services.site_settings import update_site_settings
from tests.factories import bearer, make_site, make_token, make_user, post_comment, post_ok

BANNED = ["viagra", "ass", "buy now", "kill"]


@pytest.mark.parametrize(
    "text",
    [
        "cheap viagra here",
        "cheap VIAGRA here",
        "cheap v1agra here",
        "cheap vi@gra here",
        "cheap v!agra here",
        "cheap vïagra here",  # accent
        "cheap v\u0336i\u0336a\u0336gra here",  # combining strikethrough
        "cheap v\u20ddiagra here",  # enclosing circle
        "cheap v\u200bi\u200ca\u200dg\u2060ra here",  # zero-width characters
        "cheap v\u00adiagra here",  # soft hyphen
        "cheap \uff56\uff49\uff41\uff47\uff52\uff41 here",  # full-width (NFKC)
        "cheap \U0001d42f\U0001d422\U0001d41a\U0001d420\U0001d42b\U0001d41a here",  # math bold
        "cheap \u1d20\u026a\u1d00\u0262\u0280\u1d00 here",  # small capitals
        "cheap \u24e5\u24d8\u24d0\u24d6\u24e1\u24d0 here",  # circled letters (NFKC)
        "cheap vi\u0430gr\u0430 here",  # Cyrillic а
        "cheap v\u0456\u0430gr\u0430 here",  # Cyrillic і and а
        "cheap v i a g r a here",  # spaced out
        "cheap v.i.a.g.r.a here",
        "Viagra!",
        "(viagra)",
    ],
)
def test_banned_word_is_found_through_disguises(text):
    assert find_terms(text, BANNED) == ["viagra"]


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("what an a$$", "ass"),
        ("what an \u0430ss", "ass"),  # Cyrillic а
        ("you \u0430\u0455\u0455", "ass"),  # Cyrillic а and ѕ
        ("BUY   NOW!!", "buy now"),
        ("buy\u200b now", "buy now"),
        ("bu\u0443 n0w", "buy now"),  # Cyrillic у for y, and a zero
        ("i will ki11 it", "kill"),
        ("i will k1ll it", "kill"),
        ("I will KILL it", "kill"),
        ("k\u0456ll", "kill"),
    ],
)
def test_banned_words_and_phrases_match_with_confusables_folded(text, term):
    assert find_terms(text, BANNED) == [term]


@pytest.mark.parametrize(
    "text",
    [
        "first class passage",
        "an assessment of the embassy",
        "classic glass",
        "skills and killers",  # 'kill' only as a whole word
        "buying nowhere",  # the phrase only on word boundaries
        "Hello, world!",
    ],
)
def test_words_inside_other_words_do_not_match(text):
    assert find_terms(text, ["ass", "kill", "buy now"]) == []


def test_fold_variants_read_symbols_as_letters_only_inside_words():
    variants = fold_variants("Hello! vi@gra")
    assert "heiio viagra" in variants  # 'l' folds like '1' and '|'
    assert all(" " in v for v in variants)


def test_configured_terms_are_reported_as_typed():
    assert find_terms("so CHEAP", ["Cheap", "other"]) == ["Cheap"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("THIS IS A VERY LOUD COMMENT ABOUT THE NEWS", "caps"),
        ("!!!!!!!! ???? 1234 $$$$", "non_letters"),
        ("\U0001f602" * 15, "non_letters"),
        ("A calm sentence with SOME capitals, like NATO and the EU.", None),
        ("OK", None),  # too short to be shouting
        ("+1", None),
        ("1234", None),
    ],
)
def test_shouting_and_symbol_soup_are_recognised(text, reason):
    assert shouting_reason(text) == reason


# --- rules applied when posting ------------------------------------------------------------


def configure(app, **settings):
    """Change the news site's settings through the admin service."""
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
        if admin is None:
            make_user(app, "admin@example.org", "Admin", role="admin")
            admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
        update_site_settings(admin, "news", settings)


def stored(app, comment_id: int) -> Comment:
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        db.session.expunge(comment)
        return comment


def rule_audit(app, comment_id: int) -> list[tuple[str, str | None, str | None]]:
    with app.app_context():
        return [
            (e.action, e.reason, e.after_status)
            for e in db.session.scalars(
                select(AuditEntry).where(AuditEntry.comment_id == comment_id)
            )
        ]


@pytest.fixture
def news(app):
    make_site(app)
    return app


def test_banned_word_rejects_and_records_reason_and_audit(news, client):
    configure(news, banned_words=["viagra", "buy now"])
    created = post_ok(client, body="Cheap V1@GRA, bu\u0443 n0w!")
    comment = stored(news, created["id"])
    assert comment.status.value == "rejected"
    assert comment.reasons == ["banned_word:viagra", "banned_word:buy now"]
    assert rule_audit(news, created["id"]) == [
        ("rule_hold", "banned_word:viagra, banned_word:buy now", "rejected")
    ]
    # Its author is answered with their text as pending (issue 8), and not told why.
    assert created["status"] == "pending" and "GRA" in created["html"]
    assert "banned" not in str(created) and "viagra" not in str(created)


def test_banned_word_action_spam_marks_spam(news, client):
    configure(news, banned_words=["casino"], banned_words_action="spam")
    created = post_ok(client, body="best c\u0430sino")
    assert stored(news, created["id"]).status.value == "spam"


def test_banned_words_apply_to_staff_and_trusted_authors(news, client):
    configure(news, banned_words=["casino"], suspect_words=["maybe"], premod=True)
    make_user(news, "mod@example.org", "Mod", role="moderator")
    token = make_token(news, "mod@example.org")
    banned = post_ok(client, body="casino", headers=bearer(token))
    soft = post_ok(client, body="maybe so", headers=bearer(token))
    assert stored(news, banned["id"]).status.value == "rejected"
    assert (stored(news, soft["id"]).status.value, stored(news, soft["id"]).reasons) == (
        "approved",
        [],
    )


def test_suspect_word_holds_for_review(news, client):
    configure(news, suspect_words=["referendum"])
    created = post_ok(client, body="About the REF3RENDUM...")
    assert created["status"] == "pending"
    assert stored(news, created["id"]).reasons == ["suspect_word:referendum"]


def test_more_links_than_allowed_holds_for_review(news, client):
    configure(news, max_links=2)
    links = " ".join(f"https://site{i}.example/" for i in range(3))
    held = post_ok(client, body=f"See {links}")
    fine = post_ok(client, body="See https://a.example/ and https://b.example/")
    assert stored(news, held["id"]).reasons == ["links:3"]
    assert fine["status"] == "approved"


def test_links_rule_can_be_turned_off(news, client):
    configure(news, max_links=None)
    links = " ".join(f"https://site{i}.example/" for i in range(8))
    assert post_ok(client, body=links)["status"] == "approved"


def test_first_comments_of_a_new_guest_and_account_are_held(news, client):
    configure(news, new_author_comments=1)
    make_user(news)
    token = make_token(news, "reader@example.org")
    first = post_ok(client, body="my first comment", headers=bearer(token))
    assert stored(news, first["id"]).reasons == ["new_author"]
    guest = post_ok(client, body="a guest without a browser id")
    assert stored(news, guest["id"]).reasons == ["new_author"]
    with news.app_context():
        db.session.get(Comment, first["id"]).status = CommentStatus.APPROVED
        db.session.commit()
    assert post_ok(client, body="my second", headers=bearer(token))["status"] == "approved"


def test_repeated_text_by_the_same_author_within_the_window_is_spam(news, client):
    configure(news, duplicate_window_minutes=30)
    make_user(news)
    token = make_token(news, "reader@example.org")
    first = post_ok(client, body="Same words", headers=bearer(token))
    again = post_ok(client, body="Same words", headers=bearer(token))
    other_author = post_ok(client, body="Same words", headers=bearer(make_admin_token(news)))
    assert first["status"] == "approved"
    assert (stored(news, again["id"]).status.value, stored(news, again["id"]).reasons) == (
        "spam",
        ["duplicate"],
    )
    assert other_author["status"] == "approved"


def test_repeated_text_outside_the_window_is_not_spam(news, client):
    configure(news, duplicate_window_minutes=30)
    make_user(news)
    token = make_token(news, "reader@example.org")
    first = post_ok(client, body="Same words", headers=bearer(token))
    with news.app_context():
        db.session.get(Comment, first["id"]).created_at = utcnow() - timedelta(minutes=31)
        db.session.commit()
    assert post_ok(client, body="Same words", headers=bearer(token))["status"] == "approved"


def make_admin_token(app) -> str:
    with app.app_context():
        exists = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    if exists is None:
        make_user(app, "admin@example.org", "Admin", role="admin")
    return make_token(app, "admin@example.org")


def test_shouting_and_symbols_are_held_and_the_rule_can_be_off(news, client):
    loud = post_ok(client, body="THIS ARTICLE IS A DISGRACE TO JOURNALISM")
    soup = post_ok(client, body="!!!!!!!!!!!! ?????? 11111")
    assert stored(news, loud["id"]).reasons == ["caps"]
    assert stored(news, soup["id"]).reasons == ["non_letters"]
    configure(news, hold_shouting=False)
    assert post_ok(client, body="THIS ARTICLE IS A DISGRACE AGAIN")["status"] == "approved"


def test_several_rules_are_all_listed_and_the_strongest_status_wins(news, client):
    configure(news, banned_words=["scam"], suspect_words=["crypto"], premod=True)
    created = post_ok(client, body="CRYPTO SCAM CRYPTO SCAM CRYPTO SCAM")
    comment = stored(news, created["id"])
    assert comment.status.value == "rejected"
    assert comment.reasons == ["banned_word:scam", "suspect_word:crypto", "caps", "premod"]


def test_trusted_author_skips_premod_and_soft_rules(news, client):
    configure(news, premod=True, suspect_words=["crypto"])
    reader_id = make_user(news)
    with news.app_context():
        db.session.get(User, reader_id).trusted = True
        db.session.commit()
    token = make_token(news, "reader@example.org")
    assert post_ok(client, body="crypto talk", headers=bearer(token))["status"] == "approved"


def test_article_premod_overrides_the_site(news, client):
    post_ok(client, article="held")
    with news.app_context():
        db.session.scalar(select(Article).where(Article.key == "held")).premod = True
        db.session.commit()
    assert post_ok(client, article="held", body="x y z")["status"] == "pending"
    assert stored(news, post_ok(client, article="held")["id"]).reasons == ["premod"]


def test_posting_faster_than_the_site_rate_is_refused_with_retry_after(news, client):
    configure(news, rate_limit_posts=2, rate_limit_seconds=120)
    post_ok(client, body="one")
    post_ok(client, body="two")
    refused = post_comment(client, body="three")
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 121
    with news.app_context():
        assert db.session.scalar(select(Comment).where(Comment.body_source == "three")) is None


def test_site_rate_counts_per_author_and_exempts_staff(news, client):
    configure(news, rate_limit_posts=1)
    token = make_admin_token(news)
    post_ok(client, body="admin one", headers=bearer(token))
    post_ok(client, body="admin two", headers=bearer(token))
    # The admin's posts came from the same IP as the next guest, and count for it.
    assert post_comment(client, body="guest").status_code == 429


def test_an_edit_is_judged_by_the_rules_without_counting_itself(news, client):
    configure(news, duplicate_window_minutes=30, new_author_comments=1, suspect_words=["odd"])
    make_user(news)
    created = post_ok(client, body="plain", headers=bearer(make_token(news, "reader@example.org")))
    with news.app_context():
        comment = db.session.get(Comment, created["id"])
        comment.status = CommentStatus.APPROVED
        comment.body_source = "an odd edit"
        site = db.session.scalar(select(Site))
        viewer = Viewer(user=comment.user)
        decision = decide_status(site, comment.article, viewer, "an odd edit", editing=comment)
        assert decision.reasons == ["suspect_word:odd", "new_author"]
        db.session.rollback()
