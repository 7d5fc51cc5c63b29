/* The chair-stand test's timer and its count (loaded by the test's own pages).
   The timer: one big Start button, a short "get ready" count, then the seconds counted down;
   its lengths are read from data-seconds and data-ready when Start is pressed. The count: a "-"
   and a "+" button beside the number box. Without this script the timer and the buttons stay
   hidden, the page asks to use a clock instead, and the number box works as it is. */
(function () {
  "use strict";

  function whole(text, fallback) {
    var value = parseInt(text, 10);
    return isNaN(value) ? fallback : value;
  }

  function setUpTimer(box) {
    var display = box.querySelector(".timer-display");
    var button = box.querySelector(".timer-button");
    var status = box.querySelector(".timer-status");
    if (!display || !button || !status) {
      return;
    }
    var ticking = null;

    function stop(said) {
      window.clearInterval(ticking);
      ticking = null;
      button.textContent = box.getAttribute("data-start");
      status.textContent = said;
    }

    function finish() {
      display.textContent = "0";
      stop(box.getAttribute("data-done"));
      if (navigator.vibrate) {
        navigator.vibrate(600);
      }
      var next = document.querySelector(box.getAttribute("data-focus") || "none");
      if (next) {
        next.focus();
      }
    }

    button.addEventListener("click", function () {
      if (ticking !== null) {
        stop(box.getAttribute("data-stopped"));
        display.textContent = box.getAttribute("data-seconds");
        return;
      }
      var seconds = whole(box.getAttribute("data-seconds"), 30);
      var ready = whole(box.getAttribute("data-ready"), 3);
      var startsAt = Date.now() + ready * 1000;
      var endsAt = startsAt + seconds * 1000;
      var said = "";
      function say(text) {
        if (text !== said) {
          said = text;
          status.textContent = text;
        }
      }
      function tick() {
        var now = Date.now();
        if (now < startsAt) {
          say(box.getAttribute("data-ready-text") + " " + Math.ceil((startsAt - now) / 1000));
          return;
        }
        var left = Math.max(0, Math.ceil((endsAt - now) / 1000));
        display.textContent = String(left);
        if (left === 0) {
          finish();
          return;
        }
        say(box.getAttribute("data-go"));
      }
      display.textContent = String(seconds);
      button.textContent = box.getAttribute("data-stop");
      ticking = window.setInterval(tick, 200);
      tick();
    });
    display.textContent = box.getAttribute("data-seconds");
    box.hidden = false;
  }

  function setUpCount(box) {
    var input = box.querySelector("input");
    if (!input) {
      return;
    }
    var low = whole(input.getAttribute("min"), 0);
    var high = whole(input.getAttribute("max"), 99);
    Array.prototype.forEach.call(box.querySelectorAll("[data-step]"), function (button) {
      button.addEventListener("click", function () {
        var value = whole(input.value, low - 1) + whole(button.getAttribute("data-step"), 0);
        input.value = String(Math.min(high, Math.max(low, value)));
      });
      button.hidden = false;
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-chair-timer]"), setUpTimer);
  Array.prototype.forEach.call(document.querySelectorAll("[data-count]"), setUpCount);
  Array.prototype.forEach.call(document.querySelectorAll("[data-without-script]"), function (el) {
    el.hidden = true;
  });
})();
