// Reception: "Tra cứu CSDL dân cư" fills the applicant's fields from the population database.
(function () {
  "use strict";
  const button = document.querySelector("[data-population-url]");
  if (!button) return;
  const form = button.closest("form");
  const status = document.getElementById("population-status");
  const field = (name) => form.querySelector(`[name="${name}"]`);
  button.addEventListener("click", async () => {
    const body = new FormData();
    body.append("so_dinh_danh", field("id_number").value.trim());
    status.textContent = button.dataset.waiting;
    status.className = "small";
    button.disabled = true;
    try {
      const response = await fetch(button.dataset.populationUrl, {
        method: "POST",
        body,
        headers: { "X-CSRFToken": field("csrfmiddlewaretoken").value },
        credentials: "same-origin",
      });
      const data = await response.json();
      if (!response.ok) {
        status.textContent = data.message || button.dataset.failed;
        status.className = "error";
        return;
      }
      const person = form.querySelector('[name="kind"][value="person"]');
      if (person) person.checked = true;
      field("full_name").value = data.full_name;
      field("date_of_birth").value = data.date_of_birth;
      field("sex").value = data.sex;
      field("address").value = data.address;
      if (data.commune !== null) field("commune").value = String(data.commune);
      status.textContent = data.message;
      status.className = "ok";
    } catch (error) {
      status.textContent = button.dataset.failed;
      status.className = "error";
    } finally {
      button.disabled = false;
    }
  });
})();
