// The live queue. The socket only says "intake N changed, version V"; the row itself always
// comes from the server (the same partial the page renders), so no text is built here.
// After a reconnect, or when a version is skipped, the whole table body is fetched again:
// events may be lost, the database is the truth.
(function () {
  "use strict";
  const table = document.getElementById("queue");
  if (!table || !("WebSocket" in window)) return;
  const status = document.getElementById("live-status");
  const versions = new Map();
  let delay = 1000;
  let connectedBefore = false;

  function remember() {
    versions.clear();
    table.querySelectorAll("tbody tr[id^='intake-']").forEach(function (row) {
      versions.set(row.id.slice(7), Number(row.dataset.version));
    });
  }

  async function fetchText(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } });
    if (response.status === 204) return "";
    if (!response.ok) throw new Error(response.status);
    return response.text();
  }

  async function refetchAll() {
    const html = await fetchText(table.dataset.rows);
    const body = document.getElementById("queue-rows");
    body.outerHTML = html;
    remember();
  }

  async function refreshRow(id) {
    const html = await fetchText(table.dataset.row.replace("/0/", "/" + id + "/"));
    const existing = document.getElementById("intake-" + id);
    if (!html) {
      if (existing) existing.remove();
      versions.delete(String(id));
      return;
    }
    // Insert and re-sort on the server's order: simplest is to re-fetch the body when the
    // row is new (its place depends on urgency and target time).
    if (!existing) return refetchAll();
    const holder = document.createElement("tbody");
    holder.innerHTML = html.trim();
    existing.replaceWith(holder.firstElementChild);
    remember();
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + location.host + table.dataset.socket);
    socket.addEventListener("open", function () {
      delay = 1000;
      status.textContent = status.dataset.connected;
      if (connectedBefore) refetchAll();
      connectedBefore = true;
    });
    socket.addEventListener("message", function (message) {
      const event = JSON.parse(message.data);
      if (event.type !== "queue.changed") return;
      const known = versions.get(String(event.intake));
      const gap = known !== undefined && event.version > known + 1;
      (gap ? refetchAll() : refreshRow(event.intake)).catch(refetchAll);
    });
    socket.addEventListener("close", function () {
      status.textContent = status.dataset.offline;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }

  remember();
  connect();
})();
