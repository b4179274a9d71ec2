// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Put the keyboard focus on the first field with an error, so screen-reader users hear it.
  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector("form[data-focus-error] [aria-invalid=true]");
    if (invalid) {
      invalid.focus();
    }
  });

  // The nearest heading before `element` in reading order: what its table is about.
  function headingBefore(element) {
    for (var node = element; node; node = node.parentElement) {
      for (var before = node.previousElementSibling; before; before = before.previousElementSibling) {
        if (/^H[1-6]$/.test(before.tagName)) {
          return before.textContent;
        }
        var inner = before.querySelectorAll("h1, h2, h3, h4, h5, h6");
        if (inner.length) {
          return inner[inner.length - 1].textContent;
        }
      }
    }
    return "";
  }

  // A table wider than the screen scrolls inside its frame: while it does, the frame is a named
  // region the keyboard can reach and scroll (WCAG 2.1.1). Module bodies get theirs from the
  // server (rendering.py); these are the pages' own tables.
  function markScrollFrames() {
    var frames = document.querySelectorAll(".table-wrap:not([role]), .table-wrap[data-scroll-frame]");
    Array.prototype.forEach.call(frames, function (frame) {
      if (frame.scrollWidth > frame.clientWidth) {
        var caption = frame.querySelector("caption");
        var label = (caption ? caption.textContent : headingBefore(frame)).replace(/\s+/g, " ").trim();
        frame.setAttribute("data-scroll-frame", "");
        frame.setAttribute("role", "region");
        frame.setAttribute("tabindex", "0");
        if (label) {
          frame.setAttribute("aria-label", label);
        }
      } else if (frame.hasAttribute("data-scroll-frame")) {
        frame.removeAttribute("data-scroll-frame");
        frame.removeAttribute("role");
        frame.removeAttribute("tabindex");
        frame.removeAttribute("aria-label");
      }
    });
  }

  var pending = false;
  document.addEventListener("DOMContentLoaded", markScrollFrames);
  window.addEventListener("resize", function () {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        markScrollFrames();
      });
    }
  });
})();
