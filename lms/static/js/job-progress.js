// Polls a certificate job's progress and moves the bar; shows the download link when the ZIP is
// ready. Without JavaScript the page itself shows the progress as of its loading.
(function () {
  "use strict";

  function fill(template, data) {
    return template.replace("{done}", data.done).replace("{total}", data.total);
  }

  function start() {
    var box = document.getElementById("job");
    if (!box || !window.fetch) {
      return;
    }
    var bar = document.getElementById("job-progress");
    var text = document.getElementById("job-text");
    var error = document.getElementById("job-error");
    var download = document.getElementById("job-download");

    function show(data) {
      bar.value = data.percent;
      bar.textContent = data.percent + "%";
      text.textContent = fill(text.dataset[data.state] || "", data);
      if (data.error) {
        error.textContent = data.error;
        error.hidden = false;
      }
      download.hidden = !data.download;
    }

    function poll() {
      fetch(box.dataset.statusUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (data) {
          show(data);
          if (data.state === "queued" || data.state === "running") {
            window.setTimeout(poll, 1000);
          }
        })
        .catch(function () {
          window.setTimeout(poll, 5000);
        });
    }

    poll();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
