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
