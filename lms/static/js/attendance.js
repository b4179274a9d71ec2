// Marking page: each change (a status tapped, a remark typed) is sent to the server at once and
// kept in this device's storage until the server confirms it, the way quiz answers autosave
// (attempt.js): with the link down, changes wait on the device and go out when it returns, also
// after a reload. "Mark all unmarked present" works the same way. Without JavaScript the page
// is a plain form that saves every row at once.
(function () {
  "use strict";

  var RETRY_DELAY = 5000; // ms between tries while offline
  var REMARK_DELAY = 800; // ms after the last keystroke in a remark

  function deviceStorage() {
    try {
      var store = window.localStorage;
      store.setItem("lms-probe", "1");
      store.removeItem("lms-probe");
      return store;
    } catch (error) {
      return null; // private mode: the server copy still counts, nothing survives a reload
    }
  }

  function fold(text) {
    return text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d")
      .replace(/Đ/g, "d")
      .toLowerCase()
      .replace(/\s+/g, " ")
      .trim();
  }

  function start(form) {
    var url = form.getAttribute("data-json-url");
    var key = "lms-attendance-" + form.getAttribute("data-session");
    var token = form.querySelector("input[name=csrf_token]").value;
    var status = form.querySelector("[data-status]");
    var store = deviceStorage();
    var pending = readStore(); // user id -> {status, remark, edit}
    var edits = 0;
    var sending = false;
    var retry = null;

    function readStore() {
      if (!store) {
        return {};
      }
      try {
        return JSON.parse(store.getItem(key) || "{}") || {};
      } catch (error) {
        return {};
      }
    }

    function writeStore() {
      if (!store) {
        return;
      }
      if (Object.keys(pending).length) {
        store.setItem(key, JSON.stringify(pending));
      } else {
        store.removeItem(key);
      }
    }

    function row(userId) {
      return form.querySelector('li[data-user="' + userId + '"]');
    }

    function rowValues(item) {
      var checked = item.querySelector("input[type=radio]:checked");
      var remark = item.querySelector("input[type=text]");
      return { status: checked ? checked.value : "", remark: remark ? remark.value : "" };
    }

    function showRow(userId, text, kind) {
      var item = row(userId);
      if (!item) {
        return;
      }
      var state = item.querySelector("[data-row-state]");
      state.textContent = text;
      item.setAttribute("data-state", kind);
    }

    function showStatus(text) {
      status.textContent = text;
    }

    function queue(userId) {
      var item = row(userId);
      var values = rowValues(item);
      if (!values.status) {
        return; // a remark alone waits for a status
      }
      edits += 1;
      pending[userId] = { status: values.status, remark: values.remark, edit: edits };
      writeStore();
      showRow(userId, form.getAttribute("data-msg-saving"), "pending");
      send();
    }

    function send() {
      var users = Object.keys(pending);
      if (sending || !users.length) {
        return;
      }
      sending = true;
      var sent = {};
      var changes = users.map(function (userId) {
        sent[userId] = pending[userId].edit;
        return {
          user_id: userId,
          status: pending[userId].status,
          remark: pending[userId].remark,
        };
      });
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": token,
        },
        body: JSON.stringify({ changes: changes }),
      })
        .then(function (response) {
          return response.json().then(
            function (body) {
              return { ok: response.ok, status: response.status, body: body };
            },
            function () {
              return { ok: false, status: response.status, body: {} };
            }
          );
        })
        .then(function (result) {
          sending = false;
          if (result.ok) {
            users.forEach(function (userId) {
              // A row edited again while this save was on its way stays pending.
              if (pending[userId] && pending[userId].edit === sent[userId]) {
                delete pending[userId];
                showRow(userId, form.getAttribute("data-msg-saved"), "saved");
              }
            });
            writeStore();
            showStatus(form.getAttribute("data-msg-saved"));
            send();
          } else if (result.status === 422) {
            // The server refuses these changes for good (a cancelled session, say): say why.
            users.forEach(function (userId) {
              delete pending[userId];
              showRow(userId, form.getAttribute("data-msg-refused") + " " + (result.body.error || ""), "refused");
            });
            writeStore();
            showStatus(form.getAttribute("data-msg-refused") + " " + (result.body.error || ""));
          } else {
            offline();
          }
        })
        .catch(function () {
          sending = false;
          offline();
        });
    }

    function offline() {
      var count = Object.keys(pending).length;
      showStatus(form.getAttribute("data-msg-offline").replace("%(n)s", String(count)));
      if (retry === null) {
        retry = window.setTimeout(function () {
          retry = null;
          send();
        }, RETRY_DELAY);
      }
    }

    // Put back what this device still holds (a reload while offline), then send it.
    Object.keys(pending).forEach(function (userId) {
      var item = row(userId);
      if (!item) {
        delete pending[userId];
        return;
      }
      var values = pending[userId];
      item.querySelectorAll("input[type=radio]").forEach(function (input) {
        input.checked = input.value === values.status;
      });
      var remark = item.querySelector("input[type=text]");
      if (remark) {
        remark.value = values.remark;
      }
      showRow(userId, form.getAttribute("data-msg-saving"), "pending");
      edits = Math.max(edits, values.edit || 0);
    });
    writeStore();
    send();

    var timers = {};
    form.addEventListener("change", function (event) {
      var item = event.target.closest("li[data-user]");
      if (item && event.target.type === "radio") {
        queue(item.getAttribute("data-user"));
      }
    });
    form.addEventListener("input", function (event) {
      var item = event.target.closest("li[data-user]");
      if (!item || event.target.type !== "text") {
        return;
      }
      var userId = item.getAttribute("data-user");
      window.clearTimeout(timers[userId]);
      timers[userId] = window.setTimeout(function () {
        queue(userId);
      }, REMARK_DELAY);
    });
    window.addEventListener("online", send);

    var all = document.querySelector("form[data-all-present]");
    if (all) {
      all.addEventListener("submit", function (event) {
        event.preventDefault();
        var present = form.getAttribute("data-present");
        form.querySelectorAll("li[data-user]").forEach(function (item) {
          if (!item.querySelector("input[type=radio]:checked")) {
            var input = item.querySelector('input[type=radio][value="' + present + '"]');
            if (input) {
              input.checked = true;
              queue(item.getAttribute("data-user"));
            }
          }
        });
      });
    }

    var search = form.querySelector("[data-search]");
    if (search) {
      search.closest("label").hidden = false;
      search.addEventListener("input", function () {
        var wanted = fold(search.value);
        form.querySelectorAll("li[data-user]").forEach(function (item) {
          item.hidden = wanted !== "" && item.getAttribute("data-name").indexOf(wanted) === -1;
        });
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("marking");
    if (form) {
      start(form);
    }
  });
})();
