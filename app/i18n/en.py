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
    "more_replies": {"one": "Show {n} more reply", "other": "Show {n} more replies"},
    "loading": "Loading…",
    # The form
    "form_label": "Write a comment",
    "body_label": "Your comment",
    "body_placeholder": "Join the discussion…",
    "markdown_hint": "Markdown works: **bold**, *italic*, [link](https://…), > quote, `code`.",
    "name_label": "Name",
    "email_label": "Email (optional, never shown)",
    "notify_label": "E-mail me replies (we send a link to confirm first)",
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
    # Accounts (app/widget/account.py, templates/widget/account.html and _account_bar.html)
    "sign_in": "Sign in",
    "create_account": "Create account",
    "sign_out": "Sign out",
    "signed_in_as": "Signed in as",
    "account_name": "Name",
    "account_email": "Email",
    "account_password": "Password",
    "one_time_code": "One-time code",
    "password_rule": "At least 10 characters, and not a common password.",
    "sign_in_heading": "Sign in to comment",
    "sign_up_heading": "Create an account",
    "reset_heading": "Forgot your password?",
    "reset_intro": "Give your address and we will e-mail you a link to choose a new password.",
    "reset_submit": "Send me a link",
    "reset_sent": "If an account has this address, a link is on its way. Check your e-mail.",
    "forgot_password": "Forgot your password?",
    "no_account": "No account yet?",
    "sign_up_instead": "Create one",
    "have_account": "Already have an account?",
    "sign_in_instead": "Sign in instead",
    "back_to_comments": "Back to comments",
    "profile": "Your profile",
    "profile_heading": "Your profile",
    "profile_saved": "Saved.",
    "profile_save": "Save profile",
    "reply_emails": "E-mail me when someone replies to my comments",
    "avatar_heading": "Picture",
    "avatar_choose": "Choose a picture",
    "avatar_upload": "Upload picture",
    "avatar_uploaded": "Your new picture is saved.",
    "avatar_preview": "Preview of your picture",
    "my_comments": "Your latest comments",
    "no_comments_yet": "You have not commented yet.",
    "your_data": "Your data",
    "download_data": "Download my data",
    "delete_heading": "Delete your account",
    "delete_intro": (
        'Your comments stay as "[deleted user]" or are removed, as each site decides. '
        "This cannot be undone."
    ),
    "delete_account": "Delete my account",
    "sso_name_note": "Your name and picture come from the site you signed in with.",
    "err_invalid_sso_token": (
        "We could not sign you in with this site's account. You can still comment as a guest."
    ),
    "err_sso_token_expired": (
        "Your sign-in from this site has expired. Reload the page, or comment as a guest."
    ),
    "err_reserved_name": "That name belongs to a moderator. Please choose another.",
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
    "err_toxicity_nudge": (
        "Your comment may come across as hostile or hurtful. Would you like to change it?"
    ),
    # The toxicity nudge (nudge.js)
    "nudge_heading": "Before you post",
    "nudge_guidelines_link": "Read our community guidelines",
    "nudge_edit": "Edit my comment",
    "nudge_post_anyway": "Post anyway",
}
