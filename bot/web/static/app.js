// Progressive enhancement only: every form works without this script.
(function () {
  "use strict";
  // One tap sends once: a second submit while the first is on its way is ignored.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList.contains("busy")) {
      event.preventDefault();
      return;
    }
    form.classList.add("busy");
    form.setAttribute("aria-busy", "true");
  });
  // Ctrl+Enter (or Cmd+Enter) in the answer box sends it, as in a chat app.
  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (box.tagName === "TEXTAREA" && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (box.form.requestSubmit) { box.form.requestSubmit(); } else { box.form.submit(); }
    }
  });
  // Bring the open question into view, without motion for those who asked for none.
  var question = document.getElementById("vraag");
  if (question && !document.querySelector("textarea[autofocus]")) {
    var still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    question.scrollIntoView({ block: "start", behavior: still ? "auto" : "smooth" });
  }
})();
