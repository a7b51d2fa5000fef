/* 照片处理工具: before uploading, show in the browser how the photo will be framed
   (the frame uses the same crop as the server: centred, a quarter of the excess
   height cut from the top) and warn about files over the size limit. No external code. */
(function () {
  "use strict";
  var input = document.getElementById("photo");
  var preview = document.getElementById("photo-local-preview");
  if (!input || !preview || !window.URL || !URL.createObjectURL) return;
  var img = preview.querySelector("img");
  var error = document.getElementById("photo-error");
  var row = document.getElementById("row-photo");
  var lastUrl = null;

  function setError(text) {
    error.textContent = text || "";
    row.classList.toggle("has-error", !!text);
    if (text) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
  }

  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    if (lastUrl) { URL.revokeObjectURL(lastUrl); lastUrl = null; }
    preview.hidden = true;
    setError("");
    if (!file) return;
    if (file.size > Number(input.getAttribute("data-max-bytes"))) {
      setError(input.getAttribute("data-too-large"));
      return;
    }
    if (!/^image\//.test(file.type)) return;
    lastUrl = URL.createObjectURL(file);
    img.onload = function () { preview.hidden = false; };
    img.onerror = function () { preview.hidden = true; };
    img.src = lastUrl;
  });
})();
