"""Guests cannot post under a moderator's or admin's display name, nor a look-alike of it."""

from __future__ import annotations

import pytest

from app.models import Role
from app.services.reserved_names import name_key
from tests.factories import make_site, make_user, post_comment, post_ok


@pytest.mark.parametrize(
    "name",
    [
        "Jane Doe",
        "jane doe",
        "Jаne Dое",  # Cyrillic а and о
        "J a n e  D o e",
        "Jane Doe (staff)",
        "JANE DOE - moderator",
        "Ja\u200bne Doe",  # a zero-width space inside
        "Jáne Doe",
    ],
)
def test_staff_names_and_look_alikes_are_reserved_for_guests(app, client, name):
    make_site(app)
    make_user(app, "jane@example.org", "Jane Doe", role=Role.MODERATOR)
    response = post_comment(client, author_name=name)
    assert response.status_code == 400, name
    assert response.get_json()["error"]["code"] == "reserved_name"


def test_other_names_and_other_sites_staff_are_free(app, client):
    make_site(app)
    make_site(app, "other")
    make_user(app, "jane@example.org", "Jane Doe", role=Role.MODERATOR, sites=("other",))
    make_user(app, "boss@example.org", "The Boss", role=Role.ADMIN)
    assert post_ok(client, author_name="Janet Doe")["author"]["name"] == "Janet Doe"
    assert post_ok(client, author_name="Jane Doe")["author"]["name"] == "Jane Doe"  # not news staff
    refused = post_comment(client, author_name="the b0ss")  # admins are staff everywhere
    assert refused.get_json()["error"]["code"] == "reserved_name"
    assert post_comment(client, site="other", author_name="Jane Doe").status_code == 400


def test_name_key_folds_decorations_spaces_and_scripts():
    assert name_key("Jane Doe") == name_key("J A N E (Staff) doe") == name_key("Jаne Dое")
    assert name_key("Jane Doe") != name_key("Jane Does")


@pytest.mark.parametrize(
    "look_alike",
    [
        "Mod Perso\u0578",  # Armenian vo for n
        "M\u0585d Person",  # Armenian oh for o
        "Mod \u13e2erson",  # Cherokee Tli for P
        "Mod Pers\u2c9fn",  # Coptic o
        "MOD PER\u054fON",  # Armenian capital Tiwn for S (its small letter looks like nothing)
        "\U0001d40cod Person",  # mathematical bold M
    ],
)
def test_look_alikes_from_unicodes_confusables_fold_to_the_name(look_alike):
    assert name_key(look_alike) == name_key("Mod Person")
