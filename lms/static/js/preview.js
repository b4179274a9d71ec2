// Live preview of a module's Markdown: as the trainer types, the server renders the text with
// the same renderer as the published page and the preview panel shows it. Without this file
// the editor's "Preview" button renders the preview on the server instead.
(function () {
  "use strict";
  var DELAY_MS = 400;

  function start(source, panel, status) {
    var form = source.form;
    var token = form.querySelector("input[name=csrf_token]");
    var timer = null;
    var latest = 0;

    function update() {
      var request = ++latest;
      fetch(panel.getAttribute("data-preview-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "Accept": "application/json",
          "X-CSRFToken": token ? token.value : ""
        },
        body: JSON.stringify({ text: source.value })
      })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) {
          // An older request answering late must not overwrite a newer preview.
          if (request !== latest) { return; }
          // The server sanitised this HTML (nh3 allow-list), exactly as for the published page.
          panel.innerHTML = data.html;
          status.textContent = "";
        })
        .catch(function () {
          if (request === latest) { status.textContent = panel.getAttribute("data-preview-error"); }
        });
    }

    source.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, DELAY_MS);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.querySelector("textarea[data-preview-source]");
    var panel = document.getElementById("module-preview");
    var status = document.getElementById("preview-status");
    if (source && source.form && panel && status && window.fetch) {
      start(source, panel, status);
    }
  });
})();
