from tests.factories import make_site, post_ok


def test_posted_comment_appears_in_thread(app, client):
    make_site(app)
    created = post_ok(client, body="First!")
    thread = client.get("/api/v1/threads?site=news&article=a1").get_json()
    assert [c["id"] for c in thread["comments"]] == [created["id"]]
    assert thread["article"]["comment_count"] == 1
