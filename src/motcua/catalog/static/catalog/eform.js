/* MotCua e-forms, progressive enhancement: a field with a show-when condition is hidden while the condition
   is false, and its inputs are disabled so that they are not posted. Without this script every field shows,
   with its "only if …" note, and the server ignores the answers of hidden fields the same way.
   The conditions are those of catalog/eforms/conditions.py; fields are decided in document order, each
   against the inputs still enabled, as the server does. */
(function () {
  "use strict";
  var PREFIX = "eform-";

  function answer(root, path) {
    var inputs = root.querySelectorAll("[name='" + PREFIX + path + "']");
    var found = null;
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.disabled) continue;
      if (input.type === "radio") {
        if (input.checked) return input.value;
        found = found === null ? "" : found;
      } else if (input.type === "checkbox") {
        return input.checked ? "true" : "";
      } else {
        return input.value.trim();
      }
    }
    return found;
  }

  function text(value) {
    return typeof value === "boolean" ? (value ? "true" : "false") : String(value);
  }

  function holds(condition, root) {
    if (!condition || typeof condition !== "object") return false;
    if (Array.isArray(condition.all)) return condition.all.every(function (c) { return holds(c, root); });
    if (Array.isArray(condition.any)) return condition.any.some(function (c) { return holds(c, root); });
    if ("not" in condition) return !holds(condition.not, root);
    var value = answer(root, condition.field);
    var answered = value !== null && value !== "";
    if ("equals" in condition) return answered && value === text(condition.equals);
    if ("in" in condition) return answered && condition.in.map(text).indexOf(value) >= 0;
    if ("is_true" in condition) return (value === "true") === Boolean(condition.is_true);
    if ("not_empty" in condition) return answered === Boolean(condition.not_empty);
    return false;
  }

  function update(root) {
    var nodes = root.querySelectorAll("[data-show-when]");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      var inHidden = node.parentElement && node.parentElement.closest("[data-show-when][hidden]");
      var shown = !inHidden && holds(JSON.parse(node.getAttribute("data-show-when")), root);
      node.hidden = !shown;
      var inputs = node.querySelectorAll("input, select, textarea");
      for (var j = 0; j < inputs.length; j++) inputs[j].disabled = !shown;
    }
  }

  function bind(container) {
    var roots = container.matches && container.matches("[data-eform]")
      ? [container] : container.querySelectorAll("[data-eform]");
    Array.prototype.forEach.call(roots, function (root) {
      update(root);
      root.addEventListener("change", function () { update(root); });
      root.addEventListener("input", function () { update(root); });
    });
  }

  window.motcuaEform = { bind: bind };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { bind(document); });
  } else {
    bind(document);
  }
})();
