"""Admins manage staff in the dashboard: roles, the sites a moderator covers, all audited."""

from __future__ import annotations

from tests.dashboard_support import signed_in


def test_admin_makes_a_reader_the_moderator_of_one_site(app, world):
    admin = signed_in(app, "admin@example.org")
    page = admin.get("/moderation/staff").get_data(as_text=True)
    assert 'data-staff="mod@example.org"' in page
    assert 'data-staff="reader@example.org"' not in page
    response = admin.post(
        "/moderation/staff",
        data={
            "email": "Reader@Example.org",
            "role": "moderator",
            "sites": ["news"],
            "csrf_token": admin.csrf,
        },
    )
    assert response.status_code == 303
    assert "Reader is now moderator." in admin.get("/moderation/staff").get_data(as_text=True)

    promoted = signed_in(app, "reader@example.org")
    assert promoted.get("/moderation/sites/news/queue/pending").status_code == 200
    assert promoted.get("/moderation/sites/other/queue/pending").status_code == 403
    trail = admin.get("/moderation/audit?action=staff_update").get_data(as_text=True)
    assert "reader -&gt; moderator (news)" in trail


def test_admin_takes_a_moderator_off_the_staff(app, world):
    mod = signed_in(app, "mod@example.org")
    assert mod.get("/moderation/").status_code == 200
    admin = signed_in(app, "admin@example.org")
    page = admin.get("/moderation/staff").get_data(as_text=True)
    user_id = page.split('data-staff="mod@example.org"')[1].split("/moderation/staff/")[1]
    user_id = user_id.split('"')[0]
    response = admin.post(
        f"/moderation/staff/{user_id}", data={"role": "reader", "csrf_token": admin.csrf}
    )
    assert response.status_code == 303
    assert mod.get("/moderation/").status_code == 403


def test_staff_forms_refuse_bad_input_and_self_demotion(app, world):
    admin = signed_in(app, "admin@example.org")
    cases = [
        ({"email": "nobody@example.org", "role": "moderator"}, 404, "no user with email"),
        ({"email": "reader@example.org", "role": "owner"}, 400, "role must be one of"),
        ({"email": "reader@example.org", "role": "moderator", "sites": ["nope"]}, 404, "nope"),
        ({"email": "admin@example.org", "role": "reader"}, 400, "your own role"),
    ]
    for form, status, message in cases:
        response = admin.post("/moderation/staff", data={**form, "csrf_token": admin.csrf})
        assert response.status_code == status, form
        assert message in response.get_data(as_text=True), form
