/* Parley: the toxicity nudge. When a post or an edit scores at or above the site's
   toxicity_nudge threshold, the API answers 422 toxicity_nudge with the site's community
   guidelines; frame.js hands that answer to parleyNudge. The writer sees the guidelines
   above the form's buttons and either edits the comment (any change sends it for scoring
   again) or posts it anyway (the same text again, with "confirm": true). Built with
   createElement/textContent only, styled by frame.css. */
(() => {
  "use strict";
  const d = document;
  const S = JSON.parse(d.getElementById("parley-config").textContent).strings;
  let seq = 0;
  const el = (tag, cls, content) => {
    const node = d.createElement(tag);
    if (cls) node.className = cls;
    if (content) node.textContent = content;
    return node;
  };

  self.parleyNudge = (form, error) => {
    const old = form.querySelector(".nudge");
    if (old) old.remove();
    const area = form.querySelector("textarea");
    const id = "nudge-h" + ++seq;
    const box = el("section", "nudge");
    box.setAttribute("aria-labelledby", id);
    const heading = el("h3", "", S.nudge_heading);
    heading.id = id;
    heading.tabIndex = -1;
    const guidelines = (error && error.guidelines) || {};
    box.append(heading, el("p", "", S.err_toxicity_nudge), el("p", "guidelines", guidelines.text || ""));
    if (guidelines.url) {
      const link = el("a", "", S.nudge_guidelines_link);
      link.href = guidelines.url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      const line = el("p");
      line.append(link);
      box.append(line);
    }
    const edit = el("button", "btn alt", S.nudge_edit);
    const anyway = el("button", "btn", S.nudge_post_anyway);
    edit.type = anyway.type = "button";
    const actions = el("div", "form-actions");
    actions.append(edit, " ", anyway);
    box.append(actions);
    const sent = area.value;
    edit.addEventListener("click", () => { box.remove(); area.focus(); });
    anyway.addEventListener("click", () => {
      box.remove();
      form.dataset.confirm = "1";
      form.requestSubmit();
    });
    // Changing the text withdraws the offer to post it anyway: the new text is scored again.
    area.addEventListener("input", () => { if (area.value !== sent) box.remove(); });
    form.querySelector(".form-actions").before(box);
    heading.focus();
  };
})();
