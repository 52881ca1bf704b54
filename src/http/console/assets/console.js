// Gatehouse console: the little that plain HTML can't do. Loaded from our
// own origin (the Content-Security-Policy allows no inline script).
"use strict";
(function () {
  function announce(el, text) {
    var live = document.getElementById("live");
    if (live) { live.textContent = text; }
    if (el) { el.textContent = text; }
  }
  // Copy buttons: <button data-copy="ID"> copies the value (or text) of #ID.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    var text = source.value !== undefined ? source.value : source.textContent;
    var label = button.textContent;
    var done = function () {
      announce(button, "Copied");
      setTimeout(function () { button.textContent = label; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { select(source); });
    } else {
      select(source);
      try { document.execCommand("copy"); done(); } catch (e) { /* selected for the user */ }
    }
  });
  function select(el) {
    if (el.select) { el.focus(); el.select(); }
  }
  // Forms that undo something ask first: <form data-confirm="Revoke…?">.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
