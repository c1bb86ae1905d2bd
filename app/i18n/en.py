"""English: the reference catalogue. Every other language translates these keys."""

from __future__ import annotations


def plural(n: int) -> str:
    return "one" if n == 1 else "other"


STRINGS = {
    # Host page (embed.js, count.js)
    "frame_title": "Comments",
    "comment_count": {"one": "{n} comment", "other": "{n} comments"},
    # Live updates (live.js)
    "new_comments": {"one": "{n} new comment", "other": "{n} new comments"},
    # Reactions
    "reactions_heading": "What's your reaction?",
    "reaction_like": "Like",
    "reaction_love": "Love",
    "reaction_haha": "Haha",
    "reaction_wow": "Wow",
    "reaction_sad": "Sad",
    "reaction_angry": "Angry",
    # Thread header
    "comments_heading": "Comments",
    "sort_label": "Sort by",
    "sort_oldest": "Oldest",
    "sort_newest": "Newest",
    "sort_top": "Top",
    "empty": "Write the first comment for this!",
    "closed": "Comments are closed for this article.",
    "sign_in_to_comment": "Sign in to comment on this site.",
    "load_more": "Load more comments",
    "loading": "Loading…",
    # The form
    "form_label": "Write a comment",
    "body_label": "Your comment",
    "body_placeholder": "Join the discussion…",
    "markdown_hint": "Markdown works: **bold**, *italic*, [link](https://…), > quote, `code`.",
    "name_label": "Name",
    "email_label": "Email (optional, never shown)",
    "submit": "Post comment",
    "reply_submit": "Post reply",
    "posting": "Posting…",
    "cancel": "Cancel",
    "save": "Save",
    "posted": "Comment posted",
    "awaiting": "Your comment is awaiting moderation",
    "updated": "Comment updated",
    "deleted": "Comment deleted",
    # A comment
    "badge_moderator": "Moderator",
    "badge_staff": "Staff",
    "featured": "Featured",
    "edited": "edited",
    "in_reply_to": "in reply to {name}",
    "permalink": "Link to this comment",
    "reply": "Reply",
    "reply_to": "Reply to {name}",
    "upvote": "Upvote",
    "downvote": "Downvote",
    "score": "Score",
    "report": "Report",
    "edit": "Edit",
    "delete": "Delete",
    "delete_confirm": "Delete this comment? This cannot be undone.",
    "report_legend": "Why are you reporting this comment?",
    "reason_spam": "Spam",
    "reason_abuse": "Abuse or harassment",
    "reason_off_topic": "Off topic",
    "reason_other": "Something else",
    "report_note": "Details (optional)",
    "report_submit": "Send report",
    "reported": "Thanks. A moderator will look at it.",
    # Relative times
    "just_now": "just now",
    "minutes_ago": {"one": "{n} minute ago", "other": "{n} minutes ago"},
    "hours_ago": {"one": "{n} hour ago", "other": "{n} hours ago"},
    "days_ago": {"one": "{n} day ago", "other": "{n} days ago"},
    # Errors the reader can act on (by API error code); others show the server's message.
    "error": "Something went wrong. Please try again.",
    "err_invalid_body": "Write your comment first (up to 10,000 characters).",
    "err_invalid_author": "Please enter your name (up to 80 characters).",
    "err_invalid_email": "That email address does not look right.",
    "err_rate_limited": "You are commenting very fast. Wait a minute and try again.",
    "err_banned": "You cannot comment on this site.",
    "err_thread_closed": "Comments are closed for this article.",
    "err_own_comment": "You cannot vote on your own comment.",
    "err_edit_window_closed": "The time to change this comment has passed.",
    "err_not_your_comment": "You can only change your own comments.",
    "err_csrf_failed": "Your session expired. Reload the page and try again.",
}
