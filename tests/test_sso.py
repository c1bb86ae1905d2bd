"""Publisher single sign-on against a JWKS served by a real HTTP server started here."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from sqlalchemy import func, select
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from app.extensions import db
from app.models import Comment, CommentStatus, User
from app.services import jwks
from app.services.comments import change_status
from app.services.sites import get_site
from app.services.sso import configure
from tests.factories import bearer, make_site, make_token, make_user, post_ok
from tests.identity_support import FrameReader
from tests.widget_support import guest_pages  # noqa: F401 - autouse fixture

SECRET = "first-shared-secret-0123456789abcdef"
NEXT_SECRET = "second-shared-secret-0123456789abcdef"


@dataclass
class JwksServer:
    """Serves ``document`` as JSON at http://127.0.0.1:<port>/jwks.json and counts fetches."""

    document: dict = field(default_factory=lambda: {"keys": []})
    fetches: int = 0
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/jwks.json"


@pytest.fixture
def jwks_server() -> Iterator[JwksServer]:
    state = JwksServer()

    @Request.application
    def serve(request: Request) -> Response:
        state.fetches += 1
        return Response(json.dumps(state.document), mimetype="application/json")

    server = make_server("127.0.0.1", 0, serve, threaded=True)
    state.port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    jwks.forget()
    yield state
    server.shutdown()
    thread.join(timeout=5)
    jwks.forget()


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def ec_key():
    return ec.generate_private_key(ec.SECP256R1())


def public_jwk(private_key, kid: str) -> dict:
    algorithm = RSAAlgorithm if isinstance(private_key, rsa.RSAPrivateKey) else ECAlgorithm
    jwk = algorithm.to_jwk(private_key.public_key(), as_dict=True)
    return {**jwk, "kid": kid, "use": "sig"}


def claims(**overrides) -> dict:
    base = {"sub": "u-1", "name": "Sam Subscriber", "aud": "news", "exp": int(time.time()) + 600}
    return {k: v for k, v in {**base, **overrides}.items() if v is not None}


def hs256(secret: str = SECRET, kid: str | None = None, **overrides) -> str:
    headers = {"kid": kid} if kid else None
    return jwt.encode(claims(**overrides), secret, algorithm="HS256", headers=headers)


@pytest.fixture
def sso_site(app):
    make_site(app)
    make_site(app, "plain")
    with app.app_context():
        configure(get_site("news"), secret=SECRET)
    return "news"


def as_reader(client, token: str, path: str = "/api/v1/me"):
    return client.get(path, headers={"X-Parley-SSO": token})


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


def test_shared_secret_token_signs_the_reader_in_and_sub_stays_one_reader(app, client, sso_site):
    first = as_reader(client, hs256(avatar="https://news.example/a.png", badge="subscriber"))
    assert first.status_code == 200
    account = first.get_json()
    assert account["kind"] == "sso" and account["name"] == "Sam Subscriber"
    assert account["avatar_url"] == "https://news.example/a.png"
    assert account["badge"] == "subscriber" and account["email"] is None
    renamed = as_reader(client, hs256(name="Samantha", email="sam@private.example")).get_json()
    assert renamed["id"] == account["id"] and renamed["name"] == "Samantha"
    assert renamed["badge"] is None and renamed["email"] is None  # follows the latest token
    comment = post_ok(
        client, headers={"X-Parley-SSO": hs256(badge="subscriber")}, body="From the publisher"
    )
    assert comment["author"]["name"] == "Sam Subscriber"
    assert comment["author"]["badge"] == "subscriber"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_secrets_rotate_by_kid(app, client, sso_site):
    with app.app_context():
        site = configure(get_site("news"), secret=SECRET, kid="2025")
        configure(site, secret=NEXT_SECRET, kid="2026")
    assert as_reader(client, hs256(SECRET, kid="2025")).status_code == 200
    assert as_reader(client, hs256(NEXT_SECRET, kid="2026")).status_code == 200
    crossed = as_reader(client, hs256(SECRET, kid="2026"))
    assert crossed.status_code == 401 and error_code(crossed) == "invalid_sso_token"
    with app.app_context():
        configure(get_site("news"), remove_kid="2025")
    retired = as_reader(client, hs256(SECRET, kid="2025"))
    assert retired.status_code == 401 and error_code(retired) == "invalid_sso_token"


def test_jwks_keys_rs256_and_es256_are_chosen_by_kid(app, client, jwks_server, rsa_key, ec_key):
    make_site(app)
    jwks_server.document = {"keys": [public_jwk(rsa_key, "rsa-1"), public_jwk(ec_key, "ec-1")]}
    with app.app_context():
        configure(get_site("news"), jwks_url=jwks_server.url)
    rs = jwt.encode(claims(), rsa_key, algorithm="RS256", headers={"kid": "rsa-1"})
    es = jwt.encode(claims(sub="u-2"), ec_key, algorithm="ES256", headers={"kid": "ec-1"})
    assert as_reader(client, rs).status_code == 200
    assert as_reader(client, es).status_code == 200
    assert jwks_server.fetches == 1  # cached


def test_refusals_have_their_codes(app, client, jwks_server, rsa_key, ec_key):
    make_site(app)
    make_site(app, "plain")
    jwks_server.document = {"keys": [public_jwk(rsa_key, "rsa-1")]}
    with app.app_context():
        configure(get_site("news"), secret=SECRET, jwks_url=jwks_server.url)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    good_header = {"kid": "rsa-1"}
    unsigned = jwt.encode(claims(), None, algorithm="none")
    # PyJWT refuses to sign HMAC with a PEM key, as an attacker would: sign by hand.
    hmac_with_public_key = forge_hs256(claims(), public_pem, kid="rsa-1")

    def forged(**changes) -> str:
        return forge_hs256(claims(**changes), SECRET.encode(), kid=None)

    cases = {
        "bad signature": jwt.encode(claims(), other_key, algorithm="RS256", headers=good_header),
        "bad HMAC": hs256("not-the-secret-but-long-enough-0123456789"),
        "unknown kid": jwt.encode(claims(), rsa_key, algorithm="RS256", headers={"kid": "x"}),
        "wrong aud": hs256(aud="plain"),
        "aud of another site": jwt.encode(
            claims(aud="other"), rsa_key, algorithm="RS256", headers=good_header
        ),
        "alg none": unsigned,
        "HMAC keyed with the public key": hmac_with_public_key,
        "malformed": "not-a-jwt",
        "garbage segments": "eyJhbGciOiJIUzI1NiJ9.bm9wZQ.c2ln",
        "no exp": hs256(exp=None),
        "no sub": hs256(sub=None),
        "empty name": hs256(name=""),
        "http avatar": hs256(avatar="http://insecure.example/a.png"),
        "avatar without a host": hs256(avatar="https:///a.png"),
        "avatar with a line break": hs256(avatar="https://news.example/a\n.png"),
        "avatar with a tab": hs256(avatar="https://news.example/\ta.png"),
        "avatar with a control character": hs256(avatar="https://news.example/a\x7f.png"),
        "avatar with an unclosed IPv6 host": hs256(avatar="https://[::1/a.png"),
        "long badge": hs256(badge="b" * 21),
        "ES256 with an RSA kid": jwt.encode(
            claims(), ec_key, algorithm="ES256", headers=good_header
        ),
    }
    # Signed with the site's secret, so only the text is wrong (a 500 once: the database and
    # UTF-8 refused it); ``aud`` is read to find the site before any signature is checked.
    unstorable = {"sub": "u\x00", "name": "Sam \udfff", "badge": "sub\ud800", "aud": "\ud800"}
    unstorable |= {"avatar": "https://news.example/\ud800.png", "extra": ["\ud800"]}
    for claim, value in [*unstorable.items(), ("sub", "\ud800")]:
        cases[f"{claim} holding {value!r}"] = forged(**{claim: value})
    for what, token in cases.items():
        response = as_reader(client, token)
        assert response.status_code == 401, what
        assert error_code(response) == "invalid_sso_token", what
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
    expired = as_reader(client, hs256(exp=int(time.time()) - 3600))
    assert expired.status_code == 401 and error_code(expired) == "sso_token_expired"
    leeway = as_reader(client, hs256(exp=int(time.time()) - 5))
    assert leeway.status_code == 200  # within the small clock leeway


def test_a_site_without_sso_refuses_tokens(app, client):
    make_site(app)
    response = as_reader(client, hs256())
    assert response.status_code == 401 and error_code(response) == "invalid_sso_token"


def test_unknown_kid_refreshes_the_key_set_at_most_once_a_minute(app, client, jwks_server, rsa_key):
    make_site(app)
    jwks_server.document = {"keys": [public_jwk(rsa_key, "old")]}
    with app.app_context():
        configure(get_site("news"), jwks_url=jwks_server.url)
    old = jwt.encode(claims(), rsa_key, algorithm="RS256", headers={"kid": "old"})
    assert as_reader(client, old).status_code == 200
    assert jwks_server.fetches == 1
    new_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwks_server.document = {"keys": [public_jwk(rsa_key, "old"), public_jwk(new_key, "new")]}
    new = jwt.encode(claims(), new_key, algorithm="RS256", headers={"kid": "new"})
    for _ in range(5):  # within the minute: no refetch however many unknown kids arrive
        assert as_reader(client, new).status_code == 401
    assert jwks_server.fetches == 1
    jwks.age_cache_for_tests(jwks_server.url, jwks.REFRESH_INTERVAL + 1)
    assert as_reader(client, new).status_code == 200
    assert jwks_server.fetches == 2


def test_the_frame_exchanges_a_token_for_its_own_session(app, sso_site):
    reader = FrameReader(app)
    reader.page("signin")
    refused = reader.api("POST", "/api/v1/sso/session", json={"site": "news", "token": "bad"})
    assert refused.status_code == 401 and error_code(refused) == "invalid_sso_token"
    assert reader.me().status_code == 401
    answer = reader.api("POST", "/api/v1/sso/session", json={"site": "news", "token": hs256()})
    assert answer.status_code == 200 and answer.get_json()["changed"] is True
    again = reader.api("POST", "/api/v1/sso/session", json={"site": "news", "token": hs256()})
    assert again.get_json()["changed"] is False
    assert reader.me().get_json()["kind"] == "sso"
    other = reader.api("POST", "/api/v1/sso/session", json={"site": "plain", "token": hs256()})
    assert other.status_code == 401  # the token's aud is news, not the frame's site
    assert reader.api("DELETE", "/api/v1/session").status_code == 204
    assert reader.me().status_code == 401


def test_cli_sets_and_turns_off_sso(app, runner):
    make_site(app)
    short = runner.invoke(args=["sites", "sso", "news", "--secret", "short"])
    assert short.exit_code != 0 and "32 characters" in short.output
    result = runner.invoke(args=["sites", "sso", "news", "--secret", SECRET])
    assert result.exit_code == 0, result.output
    far = runner.invoke(args=["sites", "sso", "news", "--jwks-url", "http://203.0.113.5/k"])
    assert far.exit_code != 0 and "loopback" in far.output
    both = runner.invoke(args=["sites", "sso", "news", "--jwks-url", "https://pub.example/k"])
    assert "JWKS: https://pub.example/k" in both.output and "(no kid)" in both.output
    off = runner.invoke(args=["sites", "sso", "news", "--off"])
    assert "shared secrets: -; JWKS: -" in off.output
    assert as_reader(app.test_client(), hs256()).status_code == 401


def forge_hs256(payload: dict, key: bytes, kid: str | None) -> str:
    """An HS256 JWT keyed with ``key``, signed by hand (as an attacker holding a public key)."""
    import base64
    import hashlib
    import hmac

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    fields = {"alg": "HS256", "typ": "JWT", **({"kid": kid} if kid is not None else {})}
    header = b64(json.dumps(fields).encode())
    body = b64(json.dumps(payload).encode())
    signature = hmac.new(key, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{b64(signature)}"


def test_moderators_see_an_sso_author_and_staff_badges_stay_with_staff(app, client, sso_site):
    make_user(app, "mod@example.org", "Mod", role="moderator")
    post_ok(client, headers={"X-Parley-SSO": hs256(badge="Moderator")}, body="Badge test")
    thread = client.get("/api/v1/threads?site=news&article=a1").get_json()
    assert thread["comments"][0]["author"]["badge"] is None  # a publisher cannot hand it out
    with app.app_context():
        change_status(db.session.scalar(select(Comment)), CommentStatus.PENDING, action="hold")
        db.session.commit()
    moderator = bearer(make_token(app, "mod@example.org"))
    queue = client.get("/api/v1/moderation/queues/pending?site=news", headers=moderator)
    assert queue.get_json()["comments"][0]["author"]["kind"] == "sso"


def test_the_sso_header_wins_over_cookies_and_needs_no_csrf_token(app, sso_site):
    reader = FrameReader(app)
    reader.sign_up()  # a signed-in frame session in the same client
    body = {"site": "news", "article": "a1", "body": "As the publisher's reader"}
    answer = reader.client.post(
        "/api/v1/comments", json=body, headers={"X-Parley-Frame": "1", "X-Parley-SSO": hs256()}
    )
    assert answer.status_code == 201
    assert answer.get_json()["author"]["name"] == "Sam Subscriber"
    forged = reader.client.post("/api/v1/comments", json=body, headers={"X-Parley-Frame": "1"})
    assert forged.status_code == 403  # the cookie alone still needs its CSRF token


def test_an_sso_readers_thread_read_is_private_and_bypasses_the_shared_cache(app, client, sso_site):
    token = hs256()
    post_ok(client, headers={"X-Parley-SSO": token}, body="Mine", article="a-sso")
    url = "/api/v1/threads?site=news&article=a-sso"
    public = client.get(url)
    assert public.headers["Cache-Control"].startswith("public")
    tag = public.headers["ETag"]
    mine = client.get(url, headers={"X-Parley-SSO": token, "If-None-Match": tag})
    assert mine.status_code == 200  # never a 304 from the shared answer
    assert mine.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in mine.headers


def test_an_sso_reader_acts_on_its_own_site_only(app, client, sso_site):
    # One publisher's tokens mint as many readers as it likes, each counted as an account:
    # on another site they could hide any comment by reports or bury it by votes.
    victim = post_ok(client, site="plain", article="p1", body="A fine comment")
    for sub in ("sock-1", "sock-2", "sock-3"):
        reader = {"X-Parley-SSO": hs256(sub=sub)}
        report = client.post(
            f"/api/v1/comments/{victim['id']}/reports", json={"reason": "abuse"}, headers=reader
        )
        assert report.status_code == 403 and error_code(report) == "forbidden"
        vote = client.post(
            f"/api/v1/comments/{victim['id']}/votes", json={"value": -1}, headers=reader
        )
        assert vote.status_code == 403 and error_code(vote) == "forbidden"
        reaction = client.post(
            "/api/v1/reactions",
            json={"site": "plain", "article": "p1", "kind": "angry"},
            headers=reader,
        )
        assert reaction.status_code == 403 and error_code(reaction) == "forbidden"
    thread = client.get("/api/v1/threads?site=plain&article=p1").get_json()
    assert [c["id"] for c in thread["comments"]] == [victim["id"]]
    assert thread["comments"][0]["score"] == 0
    assert thread["article"]["reactions"]["angry"] == 0
    # On its own site the same reader reports, votes and reacts as before.
    own = post_ok(client, site="news", article="n1", body="On the publisher's site")
    reader = {"X-Parley-SSO": hs256(sub="sock-1")}
    assert (
        client.post(
            f"/api/v1/comments/{own['id']}/reports", json={"reason": "spam"}, headers=reader
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"/api/v1/comments/{own['id']}/votes", json={"value": 1}, headers=reader
        ).status_code
        == 200
    )
    assert (
        client.post(
            "/api/v1/reactions",
            json={"site": "news", "article": "n1", "kind": "like"},
            headers=reader,
        ).status_code
        == 200
    )
