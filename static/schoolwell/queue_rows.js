// The live queue's rows, as they arrive on the socket. The server renders a changed row once
// for every screen of its school (support_team/live_rows.py) and sends it with the event; this
// puts it in its place and fills in what differs from one screen to the next, from data the row
// carries: whether the claim is this person's ("Give back"), who else has the item open, and
// the form token. No text is built here but the names, joined after the template's words.
// Loaded before queue.js, which owns the socket and the re-reads.
(function () {
  "use strict";
  const table = document.getElementById("queue");
  if (!table) return;
  const me = table.dataset.user;
  const pageSize = Number(table.dataset.size || 100);
  const filters = new URLSearchParams(location.search);

  function rows() {
    return table.querySelectorAll("tbody tr[id^='intake-']");
  }

  function idOf(row) {
    return row.id.slice(7);
  }

  // The page's own form token (the sign-out form's): a row rendered for every screen has none.
  function token() {
    const input = document.querySelector("header input[name='csrfmiddlewaretoken']");
    return input ? input.value : "";
  }

  function viewersOf(row) {
    try { return JSON.parse(row.dataset.viewers || "[]"); } catch (error) { return []; }
  }

  // "Open now by" and the others' names: this person is left out.
  function showViewers(row) {
    const names = viewersOf(row)
      .filter(function (viewer) { return String(viewer[0]) !== me; })
      .map(function (viewer) { return viewer[1]; });
    let line = row.querySelector(".presence");
    if (!names.length) {
      if (line) line.remove();
      return;
    }
    if (!line) {
      line = document.createElement("p");
      line.className = "presence";
      row.lastElementChild.appendChild(line);
    }
    line.textContent = table.dataset.openBy + " " + names.join(", ");
  }

  function personalise(row) {
    row.querySelectorAll("input[name='csrfmiddlewaretoken']").forEach(function (input) {
      if (!input.value) input.value = token();
    });
    const giveBack = row.querySelector("form.give-back");
    if (giveBack) giveBack.hidden = row.dataset.claimedBy !== me;
    showViewers(row);
  }

  function setViewers(row, viewers) {
    if (viewers.length) row.dataset.viewers = JSON.stringify(viewers);
    else delete row.dataset.viewers;
    showViewers(row);
  }

  // The server's order: the group's urgency and nearest target, the student, then the row's
  // own target and id (support_team/selectors/queue.py).
  function keyOf(row) {
    const rank = row.dataset.rank.split("|").map(Number);
    return [rank[0], rank[1], Number(row.dataset.student), rank[3], Number(idOf(row))];
  }

  function less(a, b) {
    for (let i = 0; i < a.length; i += 1) {
      if (a[i] !== b[i]) return a[i] < b[i];
    }
    return false;
  }

  function place(row) {
    const body = document.getElementById("queue-rows");
    const key = keyOf(row);
    const next = Array.from(rows()).find(function (other) { return less(key, keyOf(other)); });
    if (next) body.insertBefore(row, next);
    else if (rows().length < pageSize) body.appendChild(row);
    // else: past the end of a full page, where the server would not show it either.
  }

  function parse(html) {
    const holder = document.createElement("tbody");
    holder.innerHTML = html.trim();
    return holder.firstElementChild;
  }

  // Whether this screen shows the rows as every screen of the school does: no filter of its
  // own that could leave some of the student's items out (and so change the group's figures),
  // and none of the student's rows from another of its schools in the same group.
  function sharedView(message) {
    if (["urgency", "source", "unclaimed"].some(function (name) { return filters.get(name); })) {
      return false;
    }
    return !Array.from(rows()).some(function (row) {
      return row.dataset.student === String(message.student) &&
        row.dataset.school !== String(message.school);
    });
  }

  // Put a rows message on the page. `versions` maps each shown row's id to its version;
  // returns the rows that were not on the page before. A row older than the one shown (two
  // renderings crossing on the way) is skipped.
  function apply(message, versions) {
    message.gone.forEach(function (gone) {
      const id = String(gone.id);
      const shown = versions.get(id);
      if (shown === undefined || shown > gone.version) return;
      document.getElementById("intake-" + id).remove();
      versions.delete(id);
    });
    const arrived = [];
    message.rows.forEach(function (item) {
      const id = String(item.id);
      const shown = versions.get(id);
      if (shown !== undefined && shown > item.version) return;
      const row = parse(item.html);
      const existing = document.getElementById("intake-" + id);
      if (existing) {
        if (existing.classList.contains("arrived-urgent")) row.classList.add("arrived-urgent");
        existing.remove();
      } else {
        arrived.push(row);
      }
      personalise(row);
      place(row);
    });
    Array.from(rows()).slice(pageSize).forEach(function (row) { row.remove(); });
    const empty = table.querySelector("tbody tr.empty-row");
    if (empty && rows().length) empty.remove();
    return arrived.filter(function (row) { return row.isConnected; });
  }

  window.SchoolWellQueueRows = {
    apply: apply,
    personalise: personalise,
    setViewers: setViewers,
    sharedView: sharedView,
    parse: parse,
    rows: rows,
    idOf: idOf,
    schoolShown: function (school) {
      const only = filters.get("school");
      return !only || only === String(school);
    },
  };
})();
