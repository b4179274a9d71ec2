// The trainer's check-in screen: fetch the new code (and its QR image) when the shown one runs
// out. The server computes the codes; this page only shows them.
(function () {
  "use strict";

  function start(box) {
    var url = box.getAttribute("data-url");
    var code = box.querySelector("[data-code]");
    var qr = box.querySelector("[data-qr]");

    function refresh() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (body) {
          if (!body) {
            window.setTimeout(refresh, 5000);
            return;
          }
          code.textContent = body.code;
          if (qr) {
            qr.src = body.qr;
          }
          if (body.left > 0) {
            window.setTimeout(refresh, body.left * 1000 + 200);
          }
        })
        .catch(function () {
          window.setTimeout(refresh, 5000);
        });
    }

    var left = parseInt(box.getAttribute("data-left"), 10);
    if (left > 0) {
      window.setTimeout(refresh, left * 1000 + 200);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("checkin-code");
    if (box) {
      start(box);
    }
  });
})();
