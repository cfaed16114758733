// The referral form: picking a guardian on file fills in their name and the family's consent,
// so the team does not retype what the roster already holds. Without JavaScript the server
// does the same when the name is left empty.
(function () {
  "use strict";
  var data = document.getElementById("guardian-names");
  var name = document.getElementById("id_consent_name");
  if (!data || !name) return;
  var names = JSON.parse(data.textContent);
  var family = document.querySelector('input[name="consent_by"][value="family"]');
  document.querySelectorAll('input[name="consent_guardian"]').forEach(function (radio) {
    radio.addEventListener("change", function () {
      if (!radio.checked) return;
      var picked = names[radio.value];
      if (picked) {
        name.value = picked;
        if (family) family.checked = true;
      } else {
        var held = Object.keys(names).some(function (k) { return names[k] === name.value; });
        if (held) name.value = "";
        name.focus();
      }
    });
  });
})();
