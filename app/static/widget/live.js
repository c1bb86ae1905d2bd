/* Parley live updates: new comments announced as "N new comments" and shown when the reader
   asks; comments removed by moderators disappear. Events come over Server-Sent Events
   (/api/v1/events); while streams fail it polls the cached counts instead, and it stops
   listening after a long quiet spell until the reader is back. */
(() => {
  "use strict";
  const d = document;
  const C = JSON.parse(d.getElementById("parley-config").textContent);
  const list = d.getElementById("comments"), counter = d.getElementById("count");
  const plural = new Intl.PluralRules(C.lang);
  const GRACE_MS = 1500, QUIET_MS = 30 * 60 * 1000, POLL_MS = 60 * 1000, MAX_FAILURES = 5;
  const query = new URLSearchParams({ site: C.site, article: C.article });
  const fresh = new Set(), parents = new Map(); // announced, not yet shown; their parents
  let stream = null, failures = 0, quiet = 0, poller = 0, polledCount = null;

  const say = (key, n) => {
    const s = C.strings[key];
    return (s[plural.select(n)] || s.other).replace("{n}", n);
  };
  // The "N new comments" button, added to the page when first needed.
  const bar = d.createElement("button");
  bar.type = "button";
  bar.className = "btn alt fresh";
  bar.hidden = true;

  const setCount = (n) => {
    counter.dataset.n = n;
    counter.textContent = say("comment_count", n);
  };
  const offer = (n) => {
    if (!bar.isConnected) list.before(bar);
    bar.textContent = say("new_comments", n);
    bar.hidden = false;
  };

  // Comments this frame posted arrive as events too, perhaps before the frame shows them:
  // only those still absent after a short grace are announced.
  // The count too: the frame counts its own posts and deletions as it makes them, so the
  // server's figure is applied once those have shown.
  let latest = null;
  const unseen = () => {
    if (latest !== null) setCount(latest);
    for (const id of fresh) if (d.getElementById("c" + id)) fresh.delete(id);
    if (fresh.size) offer(fresh.size); else bar.hidden = true;
  };
  function announced(data) {
    latest = data.comment_count;
    fresh.add(data.id);
    setTimeout(unseen, GRACE_MS);
  }

  function removed(data) {
    latest = data.comment_count;
    fresh.delete(data.id);
    setTimeout(unseen, GRACE_MS);
    const li = d.getElementById("c" + data.id);
    if (!li) return;
    if (li.querySelector(":scope > ol.comment-list > li")) {
      li.classList.add("gone");
      const body = li.querySelector(":scope > .card .comment-body");
      if (body) body.textContent = "[deleted]";
      for (const a of li.querySelectorAll(":scope > .card .acts")) a.remove();
    } else {
      li.remove();
    }
  }

  function place(li, parentId) {
    const parent = parentId && d.getElementById("c" + parentId);
    if (!parent) {
      if (C.sort === "newest") list.prepend(li); else list.append(li);
    } else if (+li.dataset.level > +parent.dataset.level) {
      let replies = parent.querySelector(":scope > ol.comment-list");
      if (!replies) {
        replies = d.createElement("ol");
        replies.className = "comment-list";
        parent.append(replies);
      }
      replies.append(li);
    } else {
      parent.after(li); // deeper than the frame indents: follows its parent, flat
    }
  }

  async function showFresh() {
    unseen();
    const ids = [...fresh].sort((a, b) => a - b);
    fresh.clear();
    bar.hidden = true;
    if (!ids.length) return location.reload(); // counted by polling: ids unknown
    const q = new URLSearchParams({ site: C.site, article: C.article, lang: C.lang });
    if (C.url) q.set("url", C.url);
    let first = null;
    for (const id of ids) {
      const response = await fetch(`/embed/thread/comment/${id}?${q}`, { credentials: "same-origin" });
      if (!response.ok) continue; // removed meanwhile
      const holder = d.createElement("template");
      holder.innerHTML = await response.text(); // our own template's output
      const li = holder.content.querySelector("li");
      if (!li || d.getElementById(li.id)) continue;
      place(li, parents.get(id));
      first = first || li;
    }
    if (first) first.focus({ preventScroll: true });
  }

  function connect() {
    if (stream || !window.EventSource) return;
    stream = new EventSource("/api/v1/events?" + query);
    stream.onopen = () => { failures = 0; stopPolling(); };
    stream.addEventListener("comment", (e) => {
      const data = JSON.parse(e.data);
      parents.set(data.id, data.parent_id);
      announced(data);
      rest();
    });
    stream.addEventListener("removed", (e) => removed(JSON.parse(e.data)));
    stream.onerror = () => {
      stop();
      failures += 1;
      if (failures > MAX_FAILURES) return startPolling();
      setTimeout(connect, Math.min(60000, 1000 * 2 ** failures) * (0.5 + Math.random()));
    };
    rest();
  }
  function stop() {
    if (stream) stream.close();
    stream = null;
  }
  // Long quiet: stop listening until the reader is back (visible tab, a click, a key).
  function rest() {
    clearTimeout(quiet);
    quiet = setTimeout(() => { stop(); stopPolling(); }, QUIET_MS);
  }
  function wake() {
    if (!stream && !poller && d.visibilityState === "visible") {
      failures = 0;
      connect();
    }
  }

  async function poll() {
    try {
      const response = await fetch("/api/v1/counts?" + query, { credentials: "omit" });
      const n = (await response.json()).counts[C.article];
      if (polledCount === null) polledCount = +counter.dataset.n;
      if (n > polledCount) offer(n - polledCount);
    } catch (error) { /* offline: try again at the next tick */ }
  }
  function startPolling() {
    if (!poller) poller = setInterval(poll, POLL_MS);
    setTimeout(() => { failures = 0; stopPolling(); connect(); }, 10 * POLL_MS);
  }
  function stopPolling() {
    clearInterval(poller);
    poller = 0;
  }

  bar.addEventListener("click", showFresh);
  d.addEventListener("visibilitychange", wake);
  d.addEventListener("pointerdown", wake);
  d.addEventListener("keydown", wake);
  connect();
})();
