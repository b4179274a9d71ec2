// Quiz attempt pages: every changed answer is saved to the server within a couple of seconds and
// kept in this device's storage until the server has it; after a reload (or a lost connection)
// answers the server never got are put back and sent again. The countdown shows the server's
// remaining time, re-synced by each save. Without JavaScript the page still works: each page is a
// plain form post that saves, and the server enforces the deadline whatever happens here.
(function () {
  "use strict";

  var SAVE_DELAY = 1200; // ms after the last change
  var RETRY_DELAY = 5000; // ms between tries while offline
  var FLUSH_BEFORE_END = 5; // seconds: send what is pending before time runs out

  function storageKey(attemptId) {
    return "lms-attempt-" + attemptId;
  }

  function deviceStorage() {
    try {
      var store = window.localStorage;
      store.setItem("lms-probe", "1");
      store.removeItem("lms-probe");
      return store;
    } catch (error) {
      return null; // private mode or storage switched off: the server copy still counts
    }
  }

  // --- countdown -------------------------------------------------------------------------------

  function monotonicNow() {
    return window.performance && performance.now ? performance.now() : Date.now();
  }

  function formatClock(seconds) {
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = seconds % 60;
    var mm = (minutes < 10 ? "0" : "") + minutes;
    var ss = (rest < 10 ? "0" : "") + rest;
    return hours ? hours + ":" + mm + ":" + ss : mm + ":" + ss;
  }

  // Moments (seconds left) at which the polite live region says the time left, with the
  // attribute holding the words; each is said once, and only when crossed while the page is open.
  var ANNOUNCE_AT = [[300, "data-announce-5"], [60, "data-announce-1"]];

  function startClock(element, onAlmostOver, onOver) {
    // An untimed attempt shows its closing date instead of a clock, but still ends there.
    var display = element.querySelector("[data-clock]");
    var region = document.getElementById("timer-announcement");
    // Only a duration comes from the server; the device's wall clock is never consulted.
    var endsAt = monotonicNow() + parseInt(element.getAttribute("data-remaining"), 10) * 1000;
    var warned = false;
    var over = false;
    var said = {};

    function announce(left) {
      ANNOUNCE_AT.forEach(function (pair) {
        var text = element.getAttribute(pair[1]);
        if (region && text && left <= pair[0] && left > pair[0] - 60 && !said[pair[0]]) {
          said[pair[0]] = true;
          region.textContent = text;
        }
      });
    }

    function tick() {
      var left = Math.max(0, Math.round((endsAt - monotonicNow()) / 1000));
      if (display) {
        display.textContent = formatClock(left);
      }
      announce(left);
      element.classList.toggle("low", left <= 60);
      if (left <= FLUSH_BEFORE_END && !warned) {
        warned = true;
        onAlmostOver();
      }
      if (left === 0 && !over) {
        over = true;
        onOver();
      }
    }

    tick();
    window.setInterval(tick, 1000);
    return {
      sync: function (seconds) {
        endsAt = monotonicNow() + seconds * 1000;
        tick();
      },
    };
  }

  function timeIsUp() {
    var form = document.getElementById("attempt-timeout");
    if (!form) {
      return;
    }
    // Give a last autosave a moment to arrive, then let the server apply the quiz's rule.
    window.setTimeout(function () {
      if (form.getAttribute("data-overdue") === "grace") {
        window.location.assign(form.getAttribute("data-summary-url"));
      } else {
        form.submit();
      }
    }, 1500);
  }

  // --- reading and writing a question's fields --------------------------------------------------

  function namedFields(fieldset) {
    return fieldset.querySelectorAll("input[name], select[name], textarea[name]");
  }

  function readFields(fieldset) {
    var fields = {};
    namedFields(fieldset).forEach(function (element) {
      if (!(element.name in fields)) {
        fields[element.name] = []; // sent even when empty, so clearing an answer saves too
      }
      if (element.type === "radio" || element.type === "checkbox") {
        if (element.checked) {
          fields[element.name].push(element.value);
        }
      } else {
        fields[element.name].push(element.value);
      }
    });
    return fields;
  }

  function writeFields(fieldset, fields) {
    var seen = {};
    namedFields(fieldset).forEach(function (element) {
      var values = fields[element.name];
      if (!values) {
        return;
      }
      if (element.type === "radio" || element.type === "checkbox") {
        element.checked = values.indexOf(element.value) !== -1;
      } else {
        var index = seen[element.name] || 0;
        element.value = index < values.length ? values[index] : "";
        seen[element.name] = index + 1;
      }
    });
  }

  function hasAnswer(fields) {
    return Object.keys(fields).some(function (name) {
      return fields[name].some(function (value) {
        return value.trim() !== "";
      });
    });
  }

  // --- autosave ----------------------------------------------------------------------------------

  function startAutosave(form, status, clock) {
    var url = form.getAttribute("data-autosave-url");
    var key = storageKey(form.getAttribute("data-attempt"));
    var token = form.querySelector("input[name=csrf_token]").value;
    var store = deviceStorage();
    var kept = readStore(); // position -> {fields, base: server's saved-at it was edited on}
    var pending = {}; // position -> true while the server has not confirmed the latest edit
    var edits = {}; // position -> number of edits, to tell a stale confirmation from a fresh one
    var timer = null;
    var sending = false;
    var closed = false;

    function readStore() {
      try {
        return (store && JSON.parse(store.getItem(key))) || {};
      } catch (error) {
        return {};
      }
    }

    function writeStore() {
      if (!store) {
        return;
      }
      try {
        store.setItem(key, JSON.stringify(kept));
      } catch (error) {
        // Storage full: the server copy is still the one that counts.
      }
    }

    function fieldsetAt(position) {
      return form.querySelector('fieldset[data-position="' + position + '"]');
    }

    function show(text, state) {
      status.textContent = text || "";
      status.className = "autosave-status" + (state ? " " + state : "");
    }

    function markNavigation(fieldset) {
      var button = document.querySelector('[data-qnav="' + fieldset.getAttribute("data-position") + '"]');
      if (button) {
        button.classList.toggle("answered", hasAnswer(readFields(fieldset)));
      }
    }

    function schedule(delay) {
      if (timer) {
        window.clearTimeout(timer);
      }
      timer = window.setTimeout(send, delay);
    }

    function changed(event) {
      var fieldset = event.target.closest("fieldset[data-position]");
      if (!fieldset || closed) {
        return;
      }
      var position = fieldset.getAttribute("data-position");
      kept[position] = { fields: readFields(fieldset), base: fieldset.getAttribute("data-saved-at") };
      writeStore();
      pending[position] = true;
      edits[position] = (edits[position] || 0) + 1;
      markNavigation(fieldset);
      schedule(SAVE_DELAY);
    }

    function send() {
      timer = null;
      var positions = Object.keys(pending);
      if (sending || closed || !positions.length) {
        return;
      }
      var answers = {};
      var sentEdits = {};
      positions.forEach(function (position) {
        answers[position] = kept[position] ? kept[position].fields : readFields(fieldsetAt(position));
        sentEdits[position] = edits[position] || 0;
      });
      sending = true;
      show(status.getAttribute("data-saving"), "");
      post({ answers: answers })
        .then(function (reply) {
          sending = false;
          if (reply.status === 200) {
            confirmed(reply.data, sentEdits);
          } else if (reply.status === 409) {
            refused(reply.data);
          } else if (reply.status >= 500 || reply.status === 401) {
            show(status.getAttribute("data-failed"), "error");
            schedule(RETRY_DELAY);
          } else {
            show(reply.data.error || status.getAttribute("data-failed"), "error");
          }
        })
        .catch(function () {
          sending = false;
          show(status.getAttribute("data-offline"), "offline");
          schedule(RETRY_DELAY);
        });
    }

    function post(body) {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": token,
        },
        body: JSON.stringify(body),
      }).then(function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (data) {
            return { status: response.status, data: data };
          });
      });
    }

    function confirmed(data, sentEdits) {
      var saved = data.saved || {};
      Object.keys(sentEdits).forEach(function (position) {
        var fieldset = fieldsetAt(position);
        if (fieldset && saved[position] !== undefined) {
          fieldset.setAttribute("data-saved-at", saved[position]);
        }
        if ((edits[position] || 0) === sentEdits[position]) {
          delete pending[position];
          delete kept[position];
        } else if (kept[position] && saved[position] !== undefined) {
          kept[position].base = saved[position]; // edited again meanwhile: still to send
        }
      });
      writeStore();
      show(data.message, "saved");
      if (clock && typeof data.remaining === "number") {
        clock.sync(data.remaining);
      }
      if (Object.keys(pending).length) {
        schedule(SAVE_DELAY);
      }
    }

    function refused(data) {
      closed = true;
      show(data.error || status.getAttribute("data-failed"), "error");
      if (clock) {
        clock.sync(0);
      }
      if (data.next) {
        var link = document.createElement("a");
        link.href = data.next;
        link.textContent = status.getAttribute("data-continue");
        status.appendChild(document.createTextNode(" "));
        status.appendChild(link);
      }
    }

    function resync() {
      // After sleep or a switch of tabs the countdown may have drifted: ask the server.
      if (document.visibilityState !== "visible" || sending || closed) {
        return;
      }
      post({ answers: {} })
        .then(function (reply) {
          if (reply.status === 200 && clock && typeof reply.data.remaining === "number") {
            clock.sync(reply.data.remaining);
          } else if (reply.status === 409) {
            refused(reply.data);
          }
        })
        .catch(function () {
          show(status.getAttribute("data-offline"), "offline");
        });
    }

    // Put back what this device kept but the server never confirmed, unless the server has
    // saved that question since (on another device, say): then the server's answer wins.
    form.querySelectorAll("fieldset[data-position]").forEach(function (fieldset) {
      var position = fieldset.getAttribute("data-position");
      var entry = kept[position];
      if (!entry) {
        return;
      }
      if (entry.base === fieldset.getAttribute("data-saved-at")) {
        writeFields(fieldset, entry.fields);
        markNavigation(fieldset);
        pending[position] = true;
      } else {
        delete kept[position];
      }
    });
    writeStore();
    if (Object.keys(pending).length) {
      schedule(0);
    }

    form.addEventListener("change", changed);
    form.addEventListener("input", changed);
    form.addEventListener("keydown", function (event) {
      // Enter in a one-line answer saves it instead of leaving the page.
      if (event.key === "Enter" && event.target.matches("input[type=text]")) {
        event.preventDefault();
        schedule(0);
      }
    });
    window.addEventListener("online", function () {
      schedule(0);
    });
    document.addEventListener("visibilitychange", resync);
    return {
      flush: function () {
        schedule(0);
      },
    };
  }

  function forgetFinished() {
    var finished = document.querySelector("[data-attempt-finished]");
    var store = finished && deviceStorage();
    if (store) {
      store.removeItem(storageKey(finished.getAttribute("data-attempt-finished")));
    }
  }

  function start() {
    forgetFinished();
    var form = document.getElementById("attempt-form");
    var status = document.getElementById("autosave-status");
    var timerElement = document.getElementById("attempt-timer");
    var saver = null;
    var clock = null;
    if (timerElement) {
      clock = startClock(
        timerElement,
        function () {
          if (saver) {
            saver.flush();
          }
        },
        timeIsUp
      );
    }
    if (form && status && window.fetch && window.JSON) {
      saver = startAutosave(form, status, clock);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
