// Marks a module finished once the learner has scrolled to its end. The page's own button does
// the same without JavaScript; this only saves the click. Nothing is sent before a scroll, so a
// short module is not marked finished just by opening it.
(function () {
  "use strict";

  function start() {
    var form = document.querySelector("form[data-complete-on-view]");
    if (!form || !("IntersectionObserver" in window) || !window.fetch) {
      return;
    }
    var status = document.getElementById("completion-status");
    var token = form.querySelector("input[name=csrf_token]").value;
    var sending = false;
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          send();
        }
      });
    });

    function send() {
      if (sending) {
        return;
      }
      sending = true;
      fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token, Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (data) {
          observer.disconnect();
          showDone(data.message);
        })
        .catch(function () {
          // The button stays: the learner can still send the form by hand.
          sending = false;
        });
    }

    function showDone(message) {
      var line = document.createElement("p");
      var badge = document.createElement("span");
      badge.className = "badge ok";
      badge.textContent = "\u2713";
      line.appendChild(badge);
      line.appendChild(document.createTextNode(" " + message));
      status.replaceChildren(line);
      form.remove();
    }

    window.addEventListener(
      "scroll",
      function () {
        observer.observe(form);
      },
      { once: true, passive: true }
    );
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
