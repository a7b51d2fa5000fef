// 证照加注 dialog: opened by its button, reopened after a refused submission, closed by 取消 or Esc.
document.querySelectorAll("[data-dialog]").forEach(function (button) {
  var dialog = document.getElementById(button.getAttribute("data-dialog"));
  if (!dialog || typeof dialog.showModal !== "function") { return; }
  button.addEventListener("click", function () { dialog.showModal(); });
  dialog.querySelectorAll("[data-close-dialog]").forEach(function (close) {
    close.addEventListener("click", function () { dialog.close(); });
  });
  if (dialog.getAttribute("data-open")) { dialog.showModal(); }
});
