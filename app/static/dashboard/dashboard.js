// Parley moderator dashboard: keyboard shortcuts and focus, on top of plain HTML forms.
// Everything works without this script; it only adds j/k/a/r/s/f/x/? and keeps the place
// in the queue after an action. No inline handlers, no framework.
(() => {
  "use strict";

  const ITEM = "[data-queue-item]";

  const items = () => Array.from(document.querySelectorAll(ITEM));

  function currentItem() {
    const active = document.activeElement;
    return active && active.closest ? active.closest(ITEM) : null;
  }

  function focusItem(item) {
    if (!item) return;
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
  }

  function move(delta) {
    const list = items();
    if (list.length === 0) return;
    const index = list.indexOf(currentItem());
    let next = index + delta;
    if (index < 0) next = delta > 0 ? 0 : list.length - 1;
    focusItem(list[Math.max(0, Math.min(list.length - 1, next))]);
  }

  // The item to land on once `item` has been acted on (it usually leaves the queue).
  function neighbourOf(item) {
    const list = items();
    const index = list.indexOf(item);
    return list[index + 1] || list[index - 1] || null;
  }

  // Before a form in an item is sent, tell the server where to come back to.
  function rememberPlace(form) {
    const item = form.closest(ITEM);
    const field = form.querySelector("input[name=next]");
    if (!item || !field) return;
    const neighbour = neighbourOf(item);
    const url = new URL(field.value || window.location.href, window.location.href);
    url.hash = neighbour ? neighbour.id : "";
    field.value = url.pathname + url.search + url.hash;
  }

  // Press the focused item's button for this key: the server marks each action it offers
  // with data-shortcut (app.services.permissions.offered_actions), so keys follow its rules.
  function act(key) {
    const item = currentItem() || items()[0];
    const button = item && item.querySelector(`button[data-shortcut="${key}"]`);
    if (button && !button.disabled) button.click();
  }

  function toggleSelection() {
    const item = currentItem();
    const box = item && item.querySelector("input[type=checkbox][name=ids]");
    if (box) box.checked = !box.checked;
  }

  function toggleHelp() {
    const help = document.getElementById("shortcut-help");
    if (!help) return;
    if (help.open) help.close();
    else help.showModal();
  }

  function typingIn(target) {
    return target instanceof HTMLElement &&
      (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typingIn(event.target)) return;
    const key = event.key;
    if (key === "?") toggleHelp();
    else if (key === "j") move(1);
    else if (key === "k") move(-1);
    else if (key === "x") toggleSelection();
    else if (/^[a-z]$/.test(key) && document.querySelector(`[data-shortcut="${key}"]`)) act(key);
    else return;
    event.preventDefault();
  }

  function selectAll(event) {
    const form = event.target.form;
    document.querySelectorAll("input[type=checkbox][name=ids]").forEach((box) => {
      if (box.form === form) box.checked = event.target.checked;
    });
  }

  // The queue counts in the navigation stay live: re-read every 30 s while the tab is
  // visible, and at once when it becomes visible again.
  const COUNT_REFRESH_MS = 30000;

  async function refreshCounts() {
    const nav = document.querySelector("[data-counts-url]");
    if (!nav || document.hidden) return;
    try {
      const response = await fetch(nav.dataset.countsUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) return;
      const { counts } = await response.json();
      for (const [queue, n] of Object.entries(counts)) {
        const badge = nav.querySelector(`[data-count="${queue}"]`);
        if (!badge) continue;
        badge.textContent = String(n);
        badge.classList.toggle("hot", n > 0);
      }
    } catch (_) {
      // Offline or signed out: keep showing the last counts.
    }
  }

  function start() {
    window.setInterval(refreshCounts, COUNT_REFRESH_MS);
    document.addEventListener("visibilitychange", refreshCounts);
    document.addEventListener("keydown", onKey);
    document.addEventListener("submit", (event) => rememberPlace(event.target), true);
    document.querySelectorAll("[data-select-all]").forEach((box) => {
      box.addEventListener("change", selectAll);
    });
    const closer = document.querySelector("[data-close-help]");
    if (closer) closer.addEventListener("click", toggleHelp);
    const target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    focusItem(target && target.matches(ITEM) ? target : items()[0]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
