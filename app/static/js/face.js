/* 人脸识别: the desktop page polls its token and moves on once verified;
   the phone pages run the simulated liveness check and the 返回 countdown.
   No external code. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // --- desktop: /face/<purpose> ---------------------------------------------------
  var root = document.getElementById("face-verify");
  if (root) {
    var statusUrl = root.getAttribute("data-status-url");
    var continueUrl = root.getAttribute("data-continue-url");
    var pollMs = (parseInt(root.getAttribute("data-poll-seconds"), 10) || 2) * 1000;
    var manualMs = (parseInt(root.getAttribute("data-manual-seconds"), 10) || 4) * 1000;
    var statusLine = document.getElementById("face-status");
    var manual = document.getElementById("manual-jump");
    var timer = null;
    var done = false;

    var show = function (state) {
      var text = root.getAttribute("data-text-" + state);
      if (statusLine && text) {
        statusLine.textContent = text;
        statusLine.setAttribute("data-state", state);
      }
    };

    var stop = function () {
      done = true;
      if (timer) clearTimeout(timer);
    };

    var poll = function () {
      if (done) return;
      fetch(statusUrl, {credentials: "same-origin", cache: "no-store", headers: {"Accept": "application/json"}})
        .then(function (response) {
          return response.json().catch(function () { return {state: response.status === 403 ? "forbidden" : "pending"}; });
        })
        .then(function (data) {
          var state = data && data.state;
          if (state === "verified") {
            show("verified");
            stop();
            window.location.assign(data.redirect || continueUrl);
            return;
          }
          if (state === "expired" || state === "forbidden") {
            show(state);
            stop();
            return;
          }
          if (state === "pending" || state === "scanned") show(state);
          timer = setTimeout(poll, pollMs);
        })
        .catch(function () {
          timer = setTimeout(poll, pollMs);  // a network hiccup: keep trying
        });
    };

    timer = setTimeout(poll, pollMs);
    if (manual) {
      setTimeout(function () { manual.disabled = false; }, manualMs);
    }
  }

  // --- phone: the liveness check submits itself ------------------------------------
  var liveness = document.querySelector("form[data-auto-submit-after]");
  if (liveness) {
    var total = parseInt(liveness.getAttribute("data-auto-submit-after"), 10) || 2000;
    var label = document.querySelector("[data-progress]");
    var fallback = liveness.querySelector(".mp-button-quiet");
    var started = Date.now();
    var tick = setInterval(function () {
      var percent = Math.min(100, Math.round((Date.now() - started) * 100 / total));
      if (label) label.textContent = String(percent);
      if (percent >= 100) {
        clearInterval(tick);
        liveness.submit();
        // Should the submission not go through, let the person press the button.
        setTimeout(function () { if (fallback) fallback.classList.add("mp-visible"); }, 3000);
      }
    }, 100);
  } else {
    var quiet = document.querySelector(".mp-button-quiet");
    if (quiet) quiet.classList.add("mp-visible");
  }

  // --- phone: 返回 (2) ----------------------------------------------------------------
  var back = document.querySelector("[data-countdown]");
  if (back) {
    var left = parseInt(back.getAttribute("data-countdown"), 10) || 2;
    var template = back.getAttribute("data-countdown-label") || "__S__";
    var countdown = setInterval(function () {
      left -= 1;
      back.textContent = template.replace("__S__", String(Math.max(left, 0)));
      if (left <= 0) {
        clearInterval(countdown);
        window.location.assign(back.getAttribute("href"));
      }
    }, 1000);
  }
})();
