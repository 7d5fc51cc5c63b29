/* The exercise timer: one big Start/Stop button counting down a hold or a timed bout.
   Without this script the timer stays hidden, and the dose in words says how long. */
(function () {
  "use strict";

  function clock(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function setUp(box) {
    var total = parseInt(box.getAttribute("data-seconds"), 10);
    var display = box.querySelector(".timer-display");
    var button = box.querySelector(".timer-button");
    var status = box.querySelector(".timer-status");
    if (!(total > 0) || !display || !button || !status) {
      return;
    }
    var left = total;
    var endsAt = 0;
    var ticking = null;

    function show() {
      display.textContent = clock(left);
    }

    function stop(said) {
      window.clearInterval(ticking);
      ticking = null;
      button.textContent = box.getAttribute("data-start");
      status.textContent = said;
    }

    function tick() {
      left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
      show();
      if (left === 0) {
        stop(box.getAttribute("data-done"));
        if (navigator.vibrate) {
          navigator.vibrate(400);
        }
      }
    }

    button.addEventListener("click", function () {
      if (ticking !== null) {
        stop("");
        return;
      }
      left = total;
      endsAt = Date.now() + total * 1000;
      status.textContent = "";
      show();
      button.textContent = box.getAttribute("data-stop");
      ticking = window.setInterval(tick, 250);
    });
    show();
    box.hidden = false;
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-timer]"), setUp);
})();
