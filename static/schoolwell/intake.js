// The intake page tells the queue who has it open: htmx posts a heartbeat every 30 s (see
// the #presence form); this says goodbye when the page is left, so the queue drops the name
// at once instead of after the heartbeat runs out. No text is built here.
(function () {
  "use strict";
  const form = document.getElementById("presence");
  if (!form || !navigator.sendBeacon) return;
  window.addEventListener("pagehide", function () {
    const data = new FormData(form);
    data.append("leaving", "1");
    navigator.sendBeacon(form.action, data);
  });
})();
