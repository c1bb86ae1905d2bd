/* Parley account pages inside the frame (sign in, create account, reset): keep the host page's
   iframe as tall as the page, and put the cursor in the first field. Plain ES2020. */
(() => {
  "use strict";
  const d = document;
  const C = JSON.parse(d.getElementById("parley-config").textContent);
  let height = 0;
  const sendHeight = () => {
    const h = Math.ceil(d.body.getBoundingClientRect().height);
    if (h !== height && C.host && parent !== window) {
      height = h;
      parent.postMessage({ parley: "height", h }, C.host);
    }
  };
  new ResizeObserver(sendHeight).observe(d.body);
  sendHeight();
  const first = d.querySelector("form input:not([type=hidden])");
  if (first) first.focus({ preventScroll: true });
})();

/* The profile's picture: preview the chosen file, then upload it to PUT /api/v1/me/avatar. */
(() => {
  "use strict";
  const d = document;
  const form = d.getElementById("avatar-form");
  if (!form) return;
  const input = d.getElementById("avatar-file"), preview = d.getElementById("avatar-preview");
  const message = d.getElementById("avatar-msg");
  input.addEventListener("change", () => {
    const file = input.files[0];
    if (!file) return;
    const reader = new FileReader();
    reader.addEventListener("load", () => { preview.src = reader.result; });
    reader.readAsDataURL(file);
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = new FormData();
    body.append("file", input.files[0]);
    const response = await fetch("/api/v1/me/avatar", {
      method: "PUT",
      credentials: "same-origin",
      headers: { "X-Parley-Frame": "1", "X-CSRFToken": d.querySelector("meta[name=csrf-token]").content },
      body
    });
    const data = await response.json().catch(() => ({}));
    if (response.ok) {
      preview.src = data.avatar_url;
      message.textContent = message.dataset.done;
    } else {
      message.textContent = (data.error && data.error.message) || response.statusText;
    }
  });
})();
