/* Parley thread frame: publisher sign-on. The host page (embed.js) sends
   {parley: "sso", token} (data-sso or Parley.login) and {parley: "logout"} (Parley.logout);
   only messages from the parent page, at the origin the server checked against the site
   (config "host"), are heard. The token is exchanged for a session in the frame's own
   partitioned cookie; a refused token shows a message and leaves the guest form as it was. */
(() => {
  "use strict";
  const d = document;
  const C = JSON.parse(d.getElementById("parley-config").textContent);
  const call = window.parleyApi; // frame.js: JSON, the frame's cookie and its CSRF token
  const box = d.getElementById("sso-msg");

  async function signInWith(token) {
    try {
      const answer = await call("POST", "/api/v1/sso/session", { site: C.site, token });
      if (answer.changed) location.reload();
    } catch (error) {
      box.textContent = error.message;
    }
  }

  async function signOut() {
    if (!d.querySelector("#acct .me")) return;
    try {
      await call("DELETE", "/api/v1/session");
      location.reload();
    } catch (error) {
      box.textContent = error.message;
    }
  }

  addEventListener("message", (e) => {
    if (!C.host || e.origin !== C.host || e.source !== parent || !e.data) return;
    if (e.data.parley === "sso" && typeof e.data.token === "string") signInWith(e.data.token);
    else if (e.data.parley === "logout") signOut();
  });
  if (C.host && parent !== window) parent.postMessage({ parley: "ready" }, C.host);
})();
