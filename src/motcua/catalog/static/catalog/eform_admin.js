/* Live preview of the e-form in the procedure-version admin: the schema and hints typed are posted (with the
   CSRF token) to the admin-only preview view, which answers with the rendered form or the problems that would
   stop the version from being saved. Requests wait for a pause in typing; only the latest answer is shown. */
(function () {
  "use strict";
  var DELAY = 500;

  function start() {
    var panel = document.getElementById("eform-preview");
    var schema = document.getElementById("id_eform_schema");
    var ui = document.getElementById("id_eform_ui");
    if (!panel || !schema || !ui) return;
    var problems = document.getElementById("eform-preview-problems");
    var target = document.getElementById("eform-preview-form");
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    var timer = null;
    var latest = 0;

    function show(data) {
      problems.textContent = "";
      (data.problems || []).forEach(function (text) {
        var item = document.createElement("li");
        item.textContent = text;
        problems.appendChild(item);
      });
      problems.hidden = !(data.problems && data.problems.length);
      // While the texts have problems, the last good preview stays, dimmed.
      target.classList.toggle("eform-stale", !problems.hidden);
      if (!problems.hidden) return;
      target.innerHTML = data.html;
      if (window.motcuaEform) window.motcuaEform.bind(target);
    }

    function refresh() {
      var mine = ++latest;
      var body = new FormData();
      body.append("schema", schema.value);
      body.append("ui", ui.value);
      fetch(panel.getAttribute("data-url"), {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "" },
      })
        .then(function (response) { return response.json(); })
        .then(function (data) { if (mine === latest) show(data); })
        .catch(function () { /* the next edit tries again */ });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY);
    }

    schema.addEventListener("input", later);
    ui.addEventListener("input", later);
    refresh();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
