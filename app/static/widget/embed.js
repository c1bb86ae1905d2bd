/* Parley embed: puts the comment thread frame where #parley-thread or [data-parley-thread] is.
   Touches nothing on the host page but those elements, its iframes and window.Parley. */
(() => {
  "use strict";
  const w = window, d = document;
  // Loaded twice: the first copy does the work.
  if (w.Parley) { w.Parley.scan(); return; }
  const me = d.currentScript || d.querySelector("script[src*='/embed.js']");
  const origin = new URL(me.src, location.href).origin;
  const titles = PARLEY_STRINGS;
  // Host element -> its iframe.
  const frames = new Map();
  const KEYS = ["site", "article", "title", "url", "lang", "theme", "accent", "sort"];
  // Inline !important beats any host rule, even `* { all: unset }` or `iframe { width: 10px }`.
  const pin = (el, css) => { for (const k in css) el.style.setProperty(k, css[k], "important"); };
  const FRAME_CSS = {
    display: "block", width: "100%", "min-width": "0", "max-width": "100%", height: "150px",
    "min-height": "0", "max-height": "none", border: "0", margin: "0", padding: "0",
    overflow: "hidden", visibility: "visible", opacity: "1", position: "static",
    transform: "none", filter: "none", float: "none", "color-scheme": "normal"
  };
  // Parley.login's token (null after Parley.logout); each frame keeps its own in f.token.
  let login;
  const commentId = () => (/^#parley-comment-(\d+)$/.exec(location.hash) || [])[1];

  function mount(el, options) {
    const data = { ...el.dataset, ...options };
    const q = new URLSearchParams();
    for (const k of KEYS) if (data[k]) q.set(k, data[k]);
    if (!q.has("article")) q.set("article", location.origin + location.pathname);
    if (!q.has("title")) q.set("title", d.title);
    if (!q.has("url")) q.set("url", location.href.split("#")[0]);
    q.set("origin", location.origin);
    // Servers refuse long request lines: the page's address and title are hints, the key is not.
    if (("" + q).length > PARLEY_LIMITS.HOST_QUERY_MAX) q.delete("url"), q.delete("title");
    let f = frames.get(el);
    if (!f) {
      f = d.createElement("iframe");
      const lang = (data.lang || "en").slice(0, 2);
      f.title = titles[lang] || titles.en;
      f.setAttribute("scrolling", "no");
      pin(f, FRAME_CSS);
      pin(el, { display: "block", visibility: "visible" });
      el.replaceChildren(f);
      frames.set(el, f);
      f.token = login === undefined ? el.dataset.sso : login;
    }
    const id = commentId();
    f.src = origin + "/embed/thread?" + q + (id ? "#parley-comment-" + id : "");
  }

  function scan() {
    for (const el of d.querySelectorAll("#parley-thread,[data-parley-thread]")) {
      if (!frames.has(el)) mount(el, {});
    }
  }

  addEventListener("message", (e) => {
    if (e.origin !== origin || !e.data || typeof e.data.parley !== "string") return;
    for (const f of frames.values()) {
      if (f.contentWindow !== e.source) continue;
      if (e.data.parley === "height") pin(f, { height: Math.ceil(+e.data.h) + "px" });
      if (e.data.parley === "ready") deliver(f, (f.ready = true));
      if (e.data.parley === "scroll") {
        const top = f.getBoundingClientRect().top + scrollY + (+e.data.y) - 40;
        const calm = matchMedia("(prefers-reduced-motion: reduce)").matches;
        scrollTo({ top, behavior: calm ? "auto" : "smooth" });
      }
    }
  });
  addEventListener("hashchange", () => {
    const id = commentId();
    if (id) for (const f of frames.values()) f.contentWindow.postMessage({ parley: "show", id }, origin);
  });

  // Hands a frame its SSO token once (the frame reloads itself after signing in).
  const deliver = (f) => {
    if (f.ready && f.token && f.sent !== f.token) {
      f.contentWindow.postMessage({ parley: "sso", token: (f.sent = f.token) }, origin);
    }
  };

  w.Parley = {
    scan,
    /* Publisher sign-on: sign the reader in with a token from the publisher's server. */
    login(token) {
      login = String(token);
      for (const f of frames.values()) deliver(f, (f.token = login));
    },
    /* Sign the reader out of every Parley thread on this page. */
    logout() {
      login = null;
      for (const f of frames.values()) {
        f.token = f.sent = null;
        if (f.ready) f.contentWindow.postMessage({ parley: "logout" }, origin);
      }
    },
    /* Single-page sites: show another article's thread, e.g. Parley.load({article: "k2"}). */
    load(options) {
      const el = options.element || d.querySelector("#parley-thread,[data-parley-thread]");
      if (el) mount(el, Object.fromEntries(KEYS.filter((k) => options[k]).map((k) => [k, options[k]])));
    }
  };
  if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", scan);
  else scan();
})();
