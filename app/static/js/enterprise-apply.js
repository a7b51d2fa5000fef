// 建筑业企业资质认定（变更-遗失补办）: show only the fields and materials of the ticked changes.
(function () {
  "use strict";
  var form = document.getElementById("apply-form");
  if (!form) { return; }
  function chosen() {
    var boxes = form.querySelectorAll('input[name="changes"]:checked');
    return Array.prototype.map.call(boxes, function (box) { return box.value; });
  }
  function refresh() {
    var changes = chosen();
    Array.prototype.forEach.call(form.querySelectorAll(".change-fields"), function (fieldset) {
      fieldset.hidden = changes.indexOf(fieldset.getAttribute("data-change")) < 0;
    });
    function any(kinds) {
      return kinds.split(" ").some(function (kind) { return kind && changes.indexOf(kind) >= 0; });
    }
    Array.prototype.forEach.call(form.querySelectorAll(".material-for"), function (row) {
      var wanted = row.getAttribute("data-changes");
      row.hidden = wanted !== "*" && changes.length > 0 && !any(wanted);
      // Materials the chosen changes make required get the asterisk the always-required ones have.
      var label = row.querySelector("label");
      var marker = label && label.querySelector(".req-conditional");
      var required = any(row.getAttribute("data-required-for") || "");
      if (label && required && !marker) {
        marker = document.createElement("span");
        marker.className = "req req-conditional";
        marker.setAttribute("aria-hidden", "true");
        marker.textContent = "*";
        label.insertBefore(marker, label.firstChild);
      } else if (marker && !required) {
        marker.remove();
      }
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target && event.target.name === "changes") { refresh(); }
  });
  refresh();
})();
