/* Portal behaviour: SMS code button with countdown, picture codes, password eye,
   validity quick choices, document-type dependent fields. No external code. */
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  // Anonymous pages carry no csrf-token meta (so that they can be shared); their forms carry the token.
  function formToken(form) {
    var input = form && form.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  function refreshCaptcha(img) {
    if (!img) return;
    var idInput = img.parentNode.querySelector(".captcha-id");
    fetch(img.getAttribute("data-refresh-url"), {credentials: "same-origin", cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (code) {
        img.src = code.src;
        if (idInput) idInput.value = code.id;
        var audio = img.parentNode.querySelector(".captcha-audio");
        if (audio) audio.href = audio.getAttribute("data-audio-url").replace("__ID__", encodeURIComponent(code.id));
      });
  }

  // 长辈版 / 适老化: the picture code read aloud, played on the page (the link itself opens the WAV without script).
  document.querySelectorAll(".captcha-audio").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var player = new Audio(link.href);
      link.setAttribute("data-playing", "1");
      player.play().catch(function () { window.location.href = link.href; });
    });
  });

  // The catalogue's 【办事指南】【在线办理】: shown to keyboard focus (CSS) and on a tap or click of the row.
  document.querySelectorAll(".service-item").forEach(function (row) {
    row.addEventListener("click", function (event) {
      if (event.target.closest("a")) return;
      document.querySelectorAll(".service-item.open").forEach(function (other) {
        if (other !== row) other.classList.remove("open");
      });
      row.classList.add("open");
    });
  });

  document.querySelectorAll(".captcha-img").forEach(function (img) {
    img.addEventListener("click", function () { refreshCaptcha(img); });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  document.querySelectorAll("[data-toggle-password]").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.getElementById(button.getAttribute("data-toggle-password"));
      var show = input.type === "password";
      input.type = show ? "text" : "password";
      button.setAttribute("aria-pressed", show ? "true" : "false");
    });
  });

  function setMessage(container, selector, text) {
    var el = container.querySelector(selector);
    if (el) el.textContent = text || "";
  }

  document.querySelectorAll(".sms-button").forEach(function (button) {
    var label = button.getAttribute("data-label");
    var countdownLabel = button.getAttribute("data-countdown-label");
    var timer = null;

    function countdown(seconds) {
      button.disabled = true;
      var left = seconds;
      button.textContent = countdownLabel.replace("__S__", left);
      timer = setInterval(function () {
        left -= 1;
        if (left <= 0) {
          clearInterval(timer);
          button.disabled = false;
          button.textContent = label;
        } else {
          button.textContent = countdownLabel.replace("__S__", left);
        }
      }, 1000);
    }

    button.addEventListener("click", function () {
      var form = button.closest("form");
      var phone = document.getElementById(button.getAttribute("data-phone-input"));
      var captchaInput = document.getElementById(button.getAttribute("data-captcha-input"));
      var captchaImg = form.querySelector(".captcha-img");
      var captchaId = form.querySelector(".captcha-id");
      var body = new URLSearchParams();
      body.set("phone", phone ? phone.value.trim() : "");
      body.set("purpose", button.getAttribute("data-sms-purpose"));
      body.set("captcha", captchaInput ? captchaInput.value.trim() : "");
      body.set("captcha_id", captchaId ? captchaId.value : "");
      setMessage(form, '[data-error-for="captcha"]', "");
      setMessage(form, '[data-error-for="sms"]', "");
      setMessage(form, '[data-ok-for="sms"]', "");
      button.disabled = true;
      fetch(button.getAttribute("data-url"), {
        method: "POST",
        headers: {"X-CSRFToken": csrf || formToken(form), "Content-Type": "application/x-www-form-urlencoded"},
        body: body.toString(),
        credentials: "same-origin"
      }).then(function (response) {
        return response.json();
      }).then(function (data) {
        if (data.keep_picture) {
          // The picture code was left empty: ask for it, keep the same picture.
          button.disabled = false;
          setMessage(form, '[data-error-for="captcha"]', data.message);
          if (captchaInput) captchaInput.focus();
          return;
        }
        if (captchaInput) captchaInput.value = "";
        refreshCaptcha(captchaImg);
        if (data.ok) {
          setMessage(form, '[data-ok-for="sms"]', data.message);
          countdown(60);
          return;
        }
        button.disabled = false;
        if (data.field === "captcha") setMessage(form, '[data-error-for="captcha"]', data.message);
        else setMessage(form, '[data-error-for="sms"]', data.message);
        if (data.retry_after) countdown(data.retry_after);
      }).catch(function () {
        button.disabled = false;
        refreshCaptcha(captchaImg);
      });
    });
  });

  function pad(n) { return n < 10 ? "0" + n : "" + n; }

  document.querySelectorAll("[data-validity-for]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      var prefix = radio.getAttribute("data-validity-for");
      var start = document.getElementById(prefix + "valid_from");
      var end = document.getElementById(prefix + "valid_to");
      if (radio.value === "long") {
        end.value = "";
        end.disabled = true;
        return;
      }
      end.disabled = false;
      if (!start.value) return;
      var parts = start.value.split("-");
      var year = parseInt(parts[0], 10) + parseInt(radio.value, 10);
      var day = parts[2];
      if (parts[1] === "02" && day === "29") day = "28";
      end.value = year + "-" + parts[1] + "-" + day;
    });
  });

  document.querySelectorAll("select[data-document-type]").forEach(function (select) {
    var prefix = select.getAttribute("data-document-type");
    var row = document.getElementById("row-" + prefix + "passport_country");
    function update() {
      if (row) row.style.display = select.value === "passport" ? "" : "none";
    }
    select.addEventListener("change", update);
    update();
    if (prefix !== "") return;
    var number = document.getElementById("document_number");
    var birth = document.getElementById("birth_date");
    var gender = document.getElementById("gender");
    if (!number || !birth) return;
    number.addEventListener("change", function () {
      var value = number.value.trim().toUpperCase();
      if (select.value !== "resident_id" || !/^\d{17}[\dX]$/.test(value)) return;
      birth.value = value.substr(6, 4) + "-" + value.substr(10, 2) + "-" + value.substr(12, 2);
      if (gender && !gender.value) gender.value = parseInt(value.charAt(16), 10) % 2 ? "M" : "F";
    });
  });
  // 信息修改或材料补充: 【重新上传】 opens the file chooser of its material (the input itself stays usable without script).
  document.querySelectorAll("button.reupload[data-file-input]").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.getElementById(button.getAttribute("data-file-input"));
      if (!input || input.disabled) return;
      input.focus();
      input.click();
    });
  });
})();
