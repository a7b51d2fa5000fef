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
    Array.prototype.forEach.call(form.querySelectorAll(".material-for"), function (row) {
      var wanted = row.getAttribute("data-changes");
      row.hidden = wanted !== "*" && changes.length > 0 && !wanted.split(" ").some(function (kind) {
        return changes.indexOf(kind) >= 0;
      });
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target && event.target.name === "changes") { refresh(); }
  });
  refresh();
})();
