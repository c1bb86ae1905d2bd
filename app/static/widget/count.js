/* Parley counts: fills every [data-parley-count] with "N comments", one request per site
   (per COUNTS_KEYS_MAX articles, or HOST_QUERY_MAX characters of query: servers refuse long
   request lines). A blank key is left out: Parley would refuse it, and with it its batch. */
(() => {
  "use strict";
  const d = document;
  const me = d.currentScript || d.querySelector("script[src*='/count.js']");
  const origin = new URL(me.src, location.href).origin;
  const forms = PARLEY_STRINGS;
  const limits = PARLEY_LIMITS;
  const bySite = {};
  for (const el of d.querySelectorAll("[data-parley-count]")) {
    const site = el.dataset.site;
    if (site && (el.dataset.article || "").trim()) (bySite[site] = bySite[site] || []).push(el);
  }
  const label = (n, el) => {
    const lang = (el.dataset.lang || d.documentElement.lang || "en").slice(0, 2);
    const f = forms[lang] || forms.en;
    return (f[new Intl.PluralRules(lang).select(n)] || f.other).replace("{n}", n.toLocaleString(lang));
  };
  const fill = (site, keys, els) => {
    const q = new URLSearchParams({ site });
    for (const k of keys) q.append("article", k);
    fetch(origin + "/api/v1/counts?" + q, { credentials: "omit" })
      .then((r) => r.json())
      .then((j) => {
        for (const el of els) {
          const n = j.counts && j.counts[el.dataset.article];
          if (typeof n === "number") el.textContent = label(n, el);
        }
      })
      .catch(() => {});
  };
  for (const site in bySite) {
    const els = bySite[site];
    const start = new URLSearchParams({ site }).toString().length;
    let batch = [];
    let size = start;
    for (const k of new Set(els.map((el) => el.dataset.article))) {
      const more = new URLSearchParams({ article: k }).toString().length + 1;
      const full = batch.length === limits.COUNTS_KEYS_MAX || size + more > limits.HOST_QUERY_MAX;
      if (batch.length && full) {
        fill(site, batch, els);
        batch = [];
        size = start;
      }
      batch.push(k);
      size += more;
    }
    if (batch.length) fill(site, batch, els);
  }
})();
