/* Parley thread frame: enhances the server-rendered thread. Plain ES2020, no framework.
   Elements come from the page's <template>s and are filled with textContent; the only HTML
   inserted as such is the server's: sanitized comment HTML (app/sanitize.py, on write) and
   comment lists rendered by the frame's own Jinja templates (/embed/thread/comments). */
(() => {
  "use strict";
  const d = document;
  const $ = (sel, el = d) => el.querySelector(sel);
  const $$ = (sel, el = d) => [...el.querySelectorAll(sel)];
  const C = JSON.parse($("#parley-config").textContent);
  const S = C.strings;
  let csrf = $("meta[name=csrf-token]").content; // on the shared page: from the reader's state
  const root = $("#parley"), list = $("#comments"), more = $("#more"), live = $("#live");
  const counter = $("#count");
  const plural = new Intl.PluralRules(C.lang);
  let seq = 0;

  const text = (key, vars = {}) => {
    let s = S[key] || S.error;
    if (typeof s === "object") s = s[plural.select(vars.n)] || s.other;
    return s.replace(/\{(\w+)\}/g, (_, k) => vars[k]);
  };
  const say = (message) => {
    live.textContent = "";
    setTimeout(() => { live.textContent = message; }, 30);
  };
  const el = (tag, cls, content) => {
    const node = d.createElement(tag);
    if (cls) node.className = cls;
    if (content) node.textContent = content;
    return node;
  };
  // "in reply to NAME" into a span, the name isolated (<bdi>) so right-to-left names keep their place.
  const inReplyTo = (span, name) => {
    const [before, after] = S.in_reply_to.split("{name}");
    span.replaceChildren(before, el("bdi", "", name), after || "");
  };
  // Parts of one comment, not of its replies.
  const part = (li, sel) => $(":scope > .card " + sel, li);

  /* --- Talking to the host page (embed.js) and to the API --- */
  const tell = (message) => {
    if (C.host && parent !== window) parent.postMessage(message, C.host);
  };
  let height = 0;
  const sendHeight = () => {
    const h = Math.ceil(d.body.getBoundingClientRect().height);
    if (h !== height) { height = h; tell({ parley: "height", h }); }
  };
  new ResizeObserver(sendHeight).observe(d.body);

  let ready = Promise.resolve(); // the reader's own state, before anything is sent
  async function api(method, path, body) {
    if (method !== "GET") await ready;
    const response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Parley-Frame": "1", "X-CSRFToken": csrf },
      body: body ? JSON.stringify(body) : undefined
    });
    const json = (response.headers.get("Content-Type") || "").includes("json");
    const data = await (json ? response.json() : response.text());
    if (!response.ok) {
      const error = (data && data.error) || {};
      throw Object.assign(new Error(S["err_" + error.code] || error.message || S.error), { data: error });
    }
    return data;
  }
  // Shared with identity.js (publisher sign-on), which loads after this file.
  window.parleyApi = api;

  /* --- Showing comments --- */
  // "5 minutes ago" as the server words it (app/widget/frame.py relative_time), as of now: a
  // shared page may have been rendered a while ago.
  const ago = (when) => {
    const s = (Date.now() - when) / 1000;
    if (s < 60) return S.just_now;
    if (s < 3600) return text("minutes_ago", { n: Math.floor(s / 60) });
    if (s < 86400) return text("hours_ago", { n: Math.floor(s / 3600) });
    if (s < 30 * 86400) return text("days_ago", { n: Math.floor(s / 86400) });
    return when.toISOString().slice(0, 10);
  };
  const localTimes = (scope) => {
    for (const t of $$("time", scope)) {
      const when = new Date(t.dateTime);
      if (isNaN(when)) continue;
      t.title = when.toLocaleString(C.lang, { dateStyle: "long", timeStyle: "short" });
      t.textContent = ago(when);
      t.parentNode.setAttribute("aria-label", S.permalink + ": " + t.textContent);
    }
  };
  const setCount = (n) => {
    counter.dataset.n = n;
    counter.textContent = text("comment_count", { n });
  };

  // The thread's query for the frame's own pages of comments.
  const threadQuery = (extra = {}) => {
    const q = new URLSearchParams({ site: C.site, article: C.article, lang: C.lang, ...extra });
    if (C.url) q.set("url", C.url);
    return q;
  };

  // One comment as the server renders it (app/widget/comment_items.py: the frame's one
  // renderer), or null when it cannot be fetched.
  async function rendered(id) {
    try {
      const holder = d.createElement("template");
      holder.innerHTML = await api("GET", `/embed/thread/comment/${id}?${threadQuery()}`); // our own template's output
      const li = holder.content.querySelector("li");
      if (li) localTimes(li);
      return li;
    } catch {
      return null;
    }
  }

  function insert(li, parentLi) {
    if (!parentLi) {
      if (C.sort === "newest") list.prepend(li);
      else list.append(li);
    } else if (+parentLi.dataset.level < C.maxIndent) {
      let replies = $(":scope > .comment-list", parentLi);
      if (!replies) {
        replies = el("ol", "comment-list");
        const more = $(":scope > .more-r", parentLi); // replies go above "Show N more replies"
        if (more) more.before(replies);
        else parentLi.append(replies);
      }
      replies.append(li);
    } else {
      parentLi.after(li);
    }
    $("#empty").hidden = true;
  }

  /* --- Posting and replying --- */
  const remembered = () => {
    try { return JSON.parse(localStorage.getItem("parley-guest")) || {}; } catch { return {}; }
  };
  const remember = (guest) => {
    try { localStorage.setItem("parley-guest", JSON.stringify(guest)); } catch { /* storage blocked */ }
  };

  async function busy(form, work) {
    const button = $("button[type=submit]", form), message = $(".msg", form);
    const label = button.textContent;
    button.disabled = true;
    button.textContent = S.posting;
    message.textContent = "";
    try {
      await work();
    } catch (error) {
      if (error.data && error.data.code === "toxicity_nudge" && self.parleyNudge) parleyNudge(form, error.data);
      else message.textContent = error.message;
    } finally {
      delete form.dataset.confirm;
      button.disabled = false;
      button.textContent = label;
    }
  }

  function postComment(form) {
    const fields = Object.fromEntries(new FormData(form));
    const parentLi = form.closest("li.comment");
    const body = {
      site: C.site, article: C.article, body: fields.body,
      article_title: C.title || undefined, article_url: C.url || undefined,
      confirm: !!form.dataset.confirm || undefined // "post anyway" after a nudge (nudge.js)
    };
    if ("author_name" in fields) {
      body.author_name = fields.author_name;
      body.author_email = fields.author_email || undefined;
      // Reply e-mails need an address; the server mails a confirmation link first.
      if (fields.notify_replies && fields.author_email) body.notify_replies = true;
    }
    if (parentLi) body.parent_id = +parentLi.dataset.id;
    return busy(form, async () => {
      const c = await api("POST", "/api/v1/comments", body);
      if ("author_name" in fields) remember({ name: fields.author_name, email: fields.author_email });
      // Rendered by the server like every comment. Should that fetch fail, the comment is
      // still posted, and the live updates (live.js) offer it as a new comment.
      const li = await rendered(c.id);
      if (li) insert(li, parentLi);
      $("textarea", form).value = "";
      if (c.status === "approved") setCount(+counter.dataset.n + 1);
      say(c.status === "pending" ? S.awaiting : S.posted);
      if (parentLi) form.remove();
      if (li) li.focus();
    });
  }

  function openReply(li) {
    const main = $("#post");
    const slot = part(li, ".slot");
    const form = main.cloneNode(true);
    const n = ++seq;
    form.removeAttribute("id");
    form.className = "entry-form reply";
    form.setAttribute("aria-label", text("reply_to", { name: li.dataset.name }));
    const area = $("textarea", form);
    area.id = "body-" + n;
    area.value = "";
    area.setAttribute("aria-describedby", "hint-" + n);
    $("label[for]", form).htmlFor = area.id;
    $(".hint", form).id = "hint-" + n;
    $("button[type=submit]", form).textContent = S.reply_submit;
    $(".msg", form).textContent = "";
    for (const box of $$(".nudge", form)) box.remove(); // the main form's nudge stays there
    const cancel = el("button", "btn alt", S.cancel);
    cancel.type = "button";
    cancel.dataset.act = "close";
    $("button[type=submit]", form).after(" ", cancel);
    slot.replaceChildren(form);
    area.focus();
  }

  /* --- Reactions and votes: optimistic, corrected by the server's answer --- */
  function showReactions(counts, mine) {
    for (const b of $$(".reaction")) {
      const kind = b.dataset.kind;
      b.setAttribute("aria-pressed", String(kind === mine));
      $(".reaction-count", b).textContent = counts[kind];
    }
  }

  // One element's requests run in order and only the latest answer is shown, so quick
  // clicks (like, then love) can neither race on the server nor flicker back.
  function serial(el, request, apply, revert) {
    const ticket = (el.ticket = (el.ticket || 0) + 1);
    el.queue = (el.queue || Promise.resolve()).then(request).then(
      (answer) => { if (ticket === el.ticket) apply(answer); },
      (error) => { if (ticket === el.ticket) revert(error); }
    );
  }

  function react(button) {
    const before = {}, kind = button.dataset.kind;
    let mine = null;
    for (const b of $$(".reaction")) {
      before[b.dataset.kind] = +$(".reaction-count", b).textContent;
      if (b.getAttribute("aria-pressed") === "true") mine = b.dataset.kind;
    }
    const guess = { ...before };
    if (mine) guess[mine]--;
    if (mine !== kind) guess[kind]++;
    showReactions(guess, mine === kind ? null : kind);
    serial(
      button.parentNode,
      () => api("POST", "/api/v1/reactions", { site: C.site, article: C.article, kind }),
      (r) => showReactions(r.reactions, r.mine),
      (error) => { showReactions(before, mine); say(error.message); }
    );
  }

  function showVote(li, score, mine) {
    part(li, ".score").textContent = score;
    part(li, ".up").setAttribute("aria-pressed", String(mine === 1));
    part(li, ".down").setAttribute("aria-pressed", String(mine === -1));
  }

  function vote(button, li) {
    const pressed = (b) => part(li, b).getAttribute("aria-pressed") === "true";
    const before = pressed(".up") ? 1 : pressed(".down") ? -1 : 0;
    const score = +part(li, ".score").textContent;
    const value = before === +button.dataset.v ? 0 : +button.dataset.v;
    showVote(li, score - before + value, value);
    serial(
      li,
      () => api("POST", `/api/v1/comments/${li.dataset.id}/votes`, { value }),
      (r) => showVote(li, r.score, r.mine),
      (error) => { showVote(li, score, before); notice(li, error.message); }
    );
  }

  const notice = (li, message) => {
    const p = el("p", "msg", message);
    p.setAttribute("role", "alert");
    part(li, ".slot").replaceChildren(p);
  };

  /* --- Report, edit, delete --- */
  function openTemplate(li, id) {
    const node = $("#" + id).content.firstElementChild.cloneNode(true);
    part(li, ".slot").replaceChildren(node);
    $("input, textarea, button", node).focus();
    return node;
  }

  function sendReport(form, li) {
    const fields = Object.fromEntries(new FormData(form));
    return busy(form, async () => {
      await api("POST", `/api/v1/comments/${li.dataset.id}/reports`, {
        reason: fields.reason, note: fields.note || undefined
      });
      const done = el("p", "done", S.reported);
      form.replaceWith(done);
      part(li, ".rep").remove();
      say(S.reported);
    });
  }

  // Markdown for a comment's sanitized HTML (only the sanitizer's few tags), to edit it.
  function markdown(node) {
    let out = "";
    for (const n of node.childNodes) {
      if (n.nodeType !== 1) {
        if (!/^\s*\n\s*$/.test(n.textContent)) out += n.textContent; // not the gap between blocks
        continue;
      }
      const inner = markdown(n), tag = n.tagName, href = n.getAttribute("href");
      if (tag === "P") out += inner + "\n\n";
      else if (tag === "BR") out += "\n";
      else if (tag === "STRONG") out += "**" + inner + "**";
      else if (tag === "EM") out += "*" + inner + "*";
      else if (tag === "S" || tag === "DEL") out += "~~" + inner + "~~";
      else if (tag === "CODE") out += n.parentNode.tagName === "PRE" ? inner : "`" + inner + "`";
      else if (tag === "PRE") out += "```\n" + inner.replace(/\n$/, "") + "\n```\n\n";
      else if (tag === "A") out += inner === href ? inner : `[${inner}](${href})`;
      else if (tag === "BLOCKQUOTE") out += inner.trim().replace(/^/gm, "> ") + "\n\n";
      else if (tag === "LI") {
        const ordered = n.parentNode.tagName === "OL";
        out += (ordered ? [...n.parentNode.children].indexOf(n) + 1 + ". " : "- ") + inner.trim() + "\n";
      } else out += inner + (tag === "UL" || tag === "OL" ? "\n" : "");
    }
    return out;
  }

  function openEdit(li) {
    const form = openTemplate(li, "tpl-edit");
    const area = $("textarea", form);
    const guess = markdown(part(li, ".comment-body")).replace(/\n{3,}/g, "\n\n").trim();
    area.value = guess;
    part(li, ".comment-body").hidden = true;
    area.focus();
    // Then the exact Markdown the author wrote: HTML loses escapes such as \*.
    api("GET", `/api/v1/comments/${li.dataset.id}/source`).then((c) => {
      if (area.value === guess) area.value = c.source;
    }, (error) => {
      $(".msg", form).textContent = error.message;
      windowClosed(li, error);
    });
  }

  const windowClosed = (li, error) => {
    const code = error.data && error.data.code; // the API's code, whatever the language
    if (code === "edit_window_closed") for (const b of $$(":scope > .card .own", li)) b.remove();
  };

  function saveEdit(form, li) {
    return busy(form, async () => {
      try {
        const typed = $("textarea", form).value;
        const c = await api("PATCH", `/api/v1/comments/${li.dataset.id}`,
          { body: typed, confirm: !!form.dataset.confirm || undefined });
        const fresh = await rendered(c.id);
        // The server's rendering of the edited comment (its replies stay); should that fetch
        // fail, the saved edit shows on a fresh page.
        if (!fresh) return location.reload();
        $(":scope > .card", li).replaceWith($(":scope > .card", fresh));
        say(c.status === "pending" ? S.awaiting : S.updated);
        part(li, "[data-act=edit]").focus();
      } catch (error) {
        windowClosed(li, error);
        throw error;
      }
    });
  }

  async function confirmDelete(box, li) {
    const message = $(".msg", box);
    try {
      await api("DELETE", `/api/v1/comments/${li.dataset.id}`);
    } catch (error) {
      message.textContent = error.message;
      windowClosed(li, error);
      return;
    }
    const approved = !part(li, ".pend");
    if ($(":scope > .comment-list > li", li)) {
      li.classList.add("gone");
      part(li, ".author").textContent = "[deleted]";
      part(li, ".comment-body").replaceChildren(el("p", "", "[deleted]"));
      for (const x of $$(":scope > .card :is(.acts, .slot, .badge, .pend, .edited)", li)) x.remove();
    } else {
      li.remove();
    }
    if (approved) setCount(Math.max(0, +counter.dataset.n - 1));
    $("#empty").hidden = !!$("li", list);
    say(S.deleted);
  }

  // The edit window closes in the reader's browser too (the server refuses late edits anyway).
  setInterval(() => {
    for (const li of $$("li[data-until]")) {
      if (Date.parse(li.dataset.until) < Date.now()) {
        for (const b of $$(":scope > .card .own", li)) b.remove();
        delete li.dataset.until;
      }
    }
  }, 15000);

  /* --- Sorting, "Load more" and permalinks --- */
  async function fetchPage(cursor) {
    const q = threadQuery({ sort: C.sort });
    if (cursor) q.set("cursor", cursor);
    const holder = d.createElement("template");
    holder.innerHTML = await api("GET", "/embed/thread/comments?" + q); // our own templates' output
    const page = holder.content.firstElementChild;
    localTimes(page);
    more.dataset.next = page.dataset.next;
    more.hidden = !page.dataset.next;
    setCount(+page.dataset.count);
    return page;
  }

  async function loadMore() {
    more.disabled = true;
    more.textContent = S.loading;
    try {
      const page = await fetchPage(more.dataset.next);
      for (const li of $$(":scope > li", page)) {
        const shown = d.getElementById(li.id); // posted here, now arriving in its place
        if (shown) shown.remove();
      }
      const first = page.firstElementChild;
      list.append(...page.children);
      if (first) first.focus({ preventScroll: true });
    } catch (error) {
      say(error.message);
    } finally {
      more.disabled = false;
      more.textContent = S.load_more;
    }
  }

  // "Show N more replies": the next replies under one top-level comment, each put under its
  // parent (shown already, or earlier on the same page).
  async function moreReplies(button) {
    const q = threadQuery({ cursor: button.dataset.cursor });
    const label = button.textContent;
    button.disabled = true;
    button.textContent = S.loading;
    try {
      const holder = d.createElement("template");
      holder.innerHTML = await api("GET", "/embed/thread/replies?" + q); // our own templates' output
      const page = holder.content.firstElementChild;
      localTimes(page);
      let first = null;
      for (const li of [...page.children]) {
        const parentLi = d.getElementById("c" + li.dataset.parent);
        if (!parentLi || d.getElementById(li.id)) continue; // not shown to this reader, or posted here
        const irt = part(li, ".in-reply-to");
        if (irt) inReplyTo(irt, parentLi.dataset.name);
        insert(li, parentLi);
        first = first || li;
      }
      if (page.dataset.next) {
        button.dataset.cursor = page.dataset.next;
        button.textContent = page.dataset.label;
      } else {
        button.remove();
      }
      if (first) first.focus({ preventScroll: true });
    } catch (error) {
      button.textContent = label;
      say(error.message);
    } finally {
      button.disabled = false;
    }
  }

  async function resort(sort) {
    C.sort = sort;
    try {
      const page = await fetchPage(null);
      list.replaceChildren(...page.children);
      $("#empty").hidden = !!$("li", list);
    } catch (error) {
      say(error.message);
    }
  }

  async function show(id) {
    let li = d.getElementById("c" + id);
    for (let cursor = more.dataset.next; !li && cursor; cursor = more.dataset.next) {
      await loadMore();
      if (more.dataset.next === cursor) return; // that page failed to load: stop here
      li = d.getElementById("c" + id);
    }
    // Then the replies each top-level comment left out, until the comment turns up.
    for (let button = $("[data-act=more-replies]"); !li && button; button = $("[data-act=more-replies]")) {
      const cursor = button.dataset.cursor;
      await moreReplies(button);
      if (button.isConnected && button.dataset.cursor === cursor) return; // failed: stop here
      li = d.getElementById("c" + id);
    }
    if (!li) return;
    for (const old of $$(".highlighted")) old.classList.remove("highlighted");
    li.classList.add("highlighted");
    li.focus({ preventScroll: true });
    sendHeight();
    tell({ parley: "scroll", y: Math.round(li.getBoundingClientRect().top + scrollY) });
  }

  /* --- Wiring: one listener per kind of event --- */
  root.addEventListener("click", (e) => {
    const button = e.target.closest("[data-act]");
    if (!button || button.disabled) return;
    const li = button.closest("li.comment");
    const act = button.dataset.act;
    if (act === "react") react(button);
    else if (act === "vote") vote(button, li);
    else if (act === "reply") openReply(li);
    else if (act === "report") openTemplate(li, "tpl-report");
    else if (act === "edit") openEdit(li);
    else if (act === "delete") openTemplate(li, "tpl-confirm");
    else if (act === "confirm-delete") confirmDelete(button.closest(".confirm"), li);
    else if (act === "more") loadMore();
    else if (act === "more-replies") moreReplies(button);
    else if (act === "close") close(button);
  });

  function close(inside) {
    const slot = inside.closest(".slot");
    if (!slot) return;
    const li = slot.closest("li.comment");
    const form = slot.firstElementChild;
    const opener = form && form.classList.contains("edit-f") ? "edit"
      : form && form.classList.contains("rep-f") ? "report"
      : form && form.classList.contains("confirm") ? "delete" : "reply";
    slot.replaceChildren();
    part(li, ".comment-body").hidden = false;
    const back = part(li, `[data-act=${opener}]`);
    if (back) back.focus();
  }

  root.addEventListener("submit", (e) => {
    e.preventDefault();
    const form = e.target;
    const li = form.closest("li.comment");
    if (form.classList.contains("rep-f")) sendReport(form, li);
    else if (form.classList.contains("edit-f")) saveEdit(form, li);
    else postComment(form);
  });

  root.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target.form) {
      e.preventDefault();
      e.target.form.requestSubmit();
    } else if (e.key === "Escape") {
      close(e.target);
    }
  });

  $("#sort").addEventListener("change", (e) => resort(e.target.value));
  addEventListener("message", (e) => {
    if (e.origin === C.host && e.data && e.data.parley === "show") show(+e.data.id);
  });

  /* --- The reader's own state on the page every guest shares (app/widget/reader_state.py) --- */
  function applyState(s) {
    csrf = s.csrf_token;
    for (const b of $$(".reaction")) b.setAttribute("aria-pressed", String(b.dataset.kind === s.reaction));
    for (const [id, value] of Object.entries(s.votes)) {
      const li = d.getElementById("c" + id);
      if (li) showVote(li, +part(li, ".score").textContent, value);
    }
    for (const id of s.reported) {
      const li = d.getElementById("c" + id);
      const button = li && part(li, ".rep");
      if (button) button.remove();
    }
    const holder = d.createElement("template");
    holder.innerHTML = s.own; // our own template's output: the reader's comments
    const own = holder.content.firstElementChild;
    for (const li of own ? [...own.children] : []) {
      const shown = d.getElementById(li.id);
      if (shown) { // theirs: their edit window, no vote or report buttons
        $(":scope > .card", shown).replaceWith($(":scope > .card", li));
        if (li.dataset.until) shown.dataset.until = li.dataset.until;
        continue;
      }
      const parentLi = li.dataset.parent ? d.getElementById("c" + li.dataset.parent) : null;
      if (li.dataset.parent && !parentLi) continue; // under a comment not on this page
      const irt = part(li, ".in-reply-to");
      if (irt && parentLi) inReplyTo(irt, parentLi.dataset.name);
      insert(li, parentLi); // pending: shown to its author only
    }
    localTimes(list);
  }

  if (C.shared) {
    ready = api("GET", "/embed/thread/state?" + threadQuery()).then(applyState, (error) => say(error.message));
  }

  /* --- Start --- */
  const guest = remembered();
  const main = $("#post");
  if (main && guest.name && main.elements.author_name) {
    main.elements.author_name.value = guest.name;
    main.elements.author_email.value = guest.email || "";
  }
  counter.dataset.n = counter.dataset.n || 0;
  localTimes(d);
  sendHeight();
  const target = /^#parley-comment-(\d+)$/.exec(location.hash);
  if (target) show(+target[1]);
})();
