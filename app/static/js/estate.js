// 房地产开发企业一级资质核定系统: add and remove rows of 经营业绩 / 专业技术人员 (the server checks them).
(function () {
  "use strict";
  function renumber(table) {
    table.querySelectorAll("tbody tr").forEach(function (row, index) {
      var cell = row.querySelector(".col-no");
      if (cell && cell.firstChild) { cell.firstChild.nodeValue = String(index + 1); }
    });
  }
  document.addEventListener("click", function (event) {
    var add = event.target.closest(".add-row");
    if (add) {
      var table = document.getElementById(add.getAttribute("data-table"));
      var rows = table.querySelectorAll("tbody tr");
      var copy = rows[rows.length - 1].cloneNode(true);
      copy.querySelectorAll("input").forEach(function (input) { input.value = ""; });
      copy.querySelectorAll("select").forEach(function (select) { select.selectedIndex = 0; });
      copy.querySelectorAll(".field-error, .register-check span").forEach(function (node) { node.remove(); });
      copy.querySelectorAll(".has-error").forEach(function (node) { node.classList.remove("has-error"); });
      table.querySelector("tbody").appendChild(copy);
      renumber(table);
      var first = copy.querySelector("input[type=text]");
      if (first) { first.focus(); }
      return;
    }
    var remove = event.target.closest(".remove-row");
    if (remove) {
      var row = remove.closest("tr");
      var body = row.parentNode;
      if (body.querySelectorAll("tr").length > 1) {
        row.remove();
      } else {
        row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
        row.querySelectorAll("select").forEach(function (select) { select.selectedIndex = 0; });
      }
      renumber(body.closest("table"));
    }
  });
})();
