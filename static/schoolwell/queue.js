// The live queue. The socket only says "intake N changed, version V" (or "who has intake N
// open changed"); the row itself always comes from the server (the same partial the page
// renders), under the page's own filters, so no text is built here. After a reconnect (also
// when the server's heartbeat falls silent), when a version is skipped, and every two
// minutes, the whole table body is fetched again:
// events may be lost, the database is the truth. An urgent item that arrives is highlighted, announced (the words
// come from the template) and, unless the sound is turned off, marked by a short tone.
// Each row's "time left" text is the server's: the page re-reads its rows when the soonest of
// them would change (data-tick), and the tab title's count of unclaimed urgent items comes
// with every re-read (a response header), the title's words from the template.
(function () {
  "use strict";
  const table = document.getElementById("queue");
  if (!table || !("WebSocket" in window)) return;
  const status = document.getElementById("live-status");
  const announcer = document.getElementById("queue-announce");
  const soundControl = document.getElementById("sound-control");
  const soundToggle = document.getElementById("sound-toggle");
  const soundBlocked = document.getElementById("sound-blocked");
  // Per person: a shared school computer keeps each team member's own choice.
  const SOUND_KEY = "schoolwell.queue.sound." + (soundToggle ? soundToggle.dataset.user : "");
  const URGENT_HEADER = "X-Urgent-Unclaimed";
  // Never re-read for the countdown more often than this, whatever the server asks.
  const MIN_TICK_MS = 15000;
  const PRESENCE_REFRESH_MS = 45000;
  // A lost event about an item this page has never seen leaves no version gap to notice
  // (measured under load by bench/load.py): a quiet full re-read every two minutes while
  // the page is visible, and on coming back to it, bounds how long a screen can be stale.
  const RESYNC_MS = 120000;
  // Every server process holding this school's screens sends a heartbeat (no ids) every
  // data-heartbeat ms. Three missed in a row: the connection or its subscription is dead
  // without having said so; reconnect, which re-reads the whole queue.
  const SILENCE_MS = 3 * Number(table.dataset.heartbeat || 5000);
  // The server closes with this when the session has ended (signed out, expired, deactivated)
  // or the person may no longer see this queue: stop, take the rows off the screen, and do
  // not reconnect; a reload goes through sign-in and the server's checks again.
  const SIGNED_OUT = 4401;
  const versions = new Map();
  const timers = [];
  let ended = false;
  let delay = 1000;
  let connectedBefore = false;
  let audio = null;
  let tickTimer = null;

  // --- where rows come from: the page's URL parameters go along ---------------------------
  function withFilters(path, extra) {
    const params = new URLSearchParams(location.search);
    Object.keys(extra || {}).forEach(function (key) { params.set(key, extra[key]); });
    const query = params.toString();
    return query ? path + "?" + query : path;
  }

  function rows() {
    return table.querySelectorAll("tbody tr[id^='intake-']");
  }

  function remember() {
    versions.clear();
    rows().forEach(function (row) {
      versions.set(row.id.slice(7), Number(row.dataset.version));
    });
  }

  // A student's rows of one urgency sit together; the first of each group is marked (the
  // server does the same when it renders the page).
  function regroup() {
    let previous = null;
    rows().forEach(function (row) {
      const start = row.dataset.group !== previous;
      row.classList.toggle("group-start", start);
      row.classList.toggle("group-cont", !start);
      previous = row.dataset.group;
    });
  }

  function showCount(count) {
    if (ended || count === null || !/^\d+$/.test(count)) return;
    document.title = count === "0"
      ? table.dataset.titleCalm
      : table.dataset.titleUrgent.replace("#", count);
  }

  // Re-read the rows when the first "time left" would change (seconds, from the server).
  function scheduleTick() {
    clearTimeout(tickTimer);
    const body = document.getElementById("queue-rows");
    const seconds = Number(body && body.dataset.tick);
    if (ended || !seconds) return;
    tickTimer = setTimeout(function () {
      if (document.visibilityState === "visible") refetchAll().catch(function () {});
    }, Math.max(seconds * 1000 + 500, MIN_TICK_MS));
  }

  async function fetchText(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } });
    if (!response.ok) throw new Error(response.status);
    showCount(response.headers.get(URGENT_HEADER));
    if (response.status === 204) return "";
    return response.text();
  }

  // --- the urgent cue ------------------------------------------------------------------------
  // Storage may be refused (private browsing, policy): then the page's default applies.
  function stored() {
    try { return localStorage.getItem(SOUND_KEY); } catch (error) { return null; }
  }

  function store(value) {
    try { localStorage.setItem(SOUND_KEY, value); } catch (error) { /* default next time */ }
  }

  function soundOn() {
    return (stored() || soundToggle.dataset.default) === "on";
  }

  // Browsers only let a page make sound after the person has interacted with it: until then
  // the context stays suspended, and the page says so (in the template's words) while the
  // sound is meant to be on.
  function showBlocked() {
    if (soundBlocked) soundBlocked.hidden = !(soundOn() && audio && audio.state !== "running");
  }

  function unlockAudio() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    if (!audio) {
      audio = new Context();
      audio.addEventListener("statechange", showBlocked);
    }
    if (audio.state === "suspended") audio.resume().catch(function () {}).then(showBlocked);
    showBlocked();
  }

  function tone() {
    if (!soundOn() || !audio || audio.state !== "running") return;
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    const start = audio.currentTime;
    oscillator.type = "sine";
    oscillator.frequency.setValueAtTime(880, start);
    oscillator.frequency.setValueAtTime(660, start + 0.18);
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.3, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.4);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(start);
    oscillator.stop(start + 0.45);
  }

  function cue(newRows) {
    const urgent = newRows.filter(function (row) { return row.dataset.urgency === "0"; });
    if (!urgent.length) return;
    urgent.forEach(function (row) { row.classList.add("arrived-urgent"); });
    // Clear, then set, so the same words are announced again for the next arrival.
    announcer.textContent = "";
    setTimeout(function () { announcer.textContent = announcer.dataset.urgent; }, 50);
    tone();
  }

  function setUpSound() {
    soundToggle.checked = soundOn();
    soundControl.hidden = false;
    soundToggle.addEventListener("change", function () {
      store(soundToggle.checked ? "on" : "off");
      if (soundToggle.checked) unlockAudio();
      showBlocked();
    });
    // Tried at once: a browser that allows sound (a site the person uses often) starts now;
    // one that does not leaves it suspended until the first click or key.
    unlockAudio();
    ["click", "keydown"].forEach(function (type) {
      document.addEventListener(type, unlockAudio, { once: true });
    });
  }

  // --- keeping the table current ------------------------------------------------------------
  async function refetchAll() {
    const before = new Set(versions.keys());
    const html = await fetchText(withFilters(table.dataset.rows, { partial: "rows" }));
    if (ended) return;  // fetched before the session ended: not to be shown now
    document.getElementById("queue-rows").outerHTML = html;
    remember();
    regroup();
    scheduleTick();
    cue(Array.from(rows()).filter(function (row) { return !before.has(row.id.slice(7)); }));
  }

  async function refreshRow(id) {
    const html = await fetchText(withFilters(table.dataset.row.replace("/0/", "/" + id + "/")));
    if (ended) return;
    const existing = document.getElementById("intake-" + id);
    if (!html) {
      if (existing) existing.remove();
      versions.delete(String(id));
      regroup();
      return;
    }
    const holder = document.createElement("tbody");
    holder.innerHTML = html.trim();
    const row = holder.firstElementChild;
    // A new row, or one whose place changed (urgency, target), needs the server's order.
    if (!existing || existing.dataset.rank !== row.dataset.rank) return refetchAll();
    const highlighted = existing.classList.contains("arrived-urgent");
    existing.replaceWith(row);
    if (highlighted) row.classList.add("arrived-urgent");
    remember();
    regroup();
  }

  // Names of people looking at an item fade out when they stop (their heartbeat runs out
  // without an event): rows showing someone are re-read now and then.
  function refreshPresence() {
    table.querySelectorAll("tbody tr[data-viewers]").forEach(function (row) {
      refreshRow(row.id.slice(7)).catch(function () {});
    });
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + location.host + table.dataset.socket);
    let heard = Date.now();
    let retired = false;
    // Once: on close, or when the watchdog gives up on a socket that may never say "close"
    // (a dead connection can take minutes to), whichever comes first.
    function retire() {
      if (retired || ended) return;
      retired = true;
      clearInterval(watchdog);
      status.textContent = status.dataset.offline;
      // Jittered: when a server process closes all its screens at once, they should not all
      // come back (and re-read the queue) in the same instant.
      setTimeout(connect, delay * (0.5 + Math.random()));
      delay = Math.min(delay * 2, 30000);
    }
    const watchdog = setInterval(function () {
      if (Date.now() - heard <= SILENCE_MS) return;
      retire();
      socket.close();
    }, SILENCE_MS / 3);
    socket.addEventListener("open", function () {
      if (retired) return;
      heard = Date.now();
      delay = 1000;
      status.textContent = status.dataset.connected;
      if (connectedBefore) refetchAll().catch(function () {});
      connectedBefore = true;
    });
    socket.addEventListener("message", function (message) {
      if (retired) return;
      heard = Date.now();
      const event = JSON.parse(message.data);
      if (event.type === "queue.presence") {
        if (document.getElementById("intake-" + event.intake)) {
          refreshRow(event.intake).catch(function () {});
        }
        return;
      }
      if (event.type !== "queue.changed") return;
      const known = versions.get(String(event.intake));
      const gap = known !== undefined && event.version > known + 1;
      (gap ? refetchAll() : refreshRow(event.intake)).catch(refetchAll);
    });
    socket.addEventListener("close", function (event) {
      if (event.code !== SIGNED_OUT) return retire();
      retired = true;
      clearInterval(watchdog);
      end();
    });
  }

  function end() {
    ended = true;
    timers.forEach(clearInterval);
    clearTimeout(tickTimer);
    document.getElementById("queue-rows").replaceChildren();
    versions.clear();
    status.textContent = status.dataset.ended;
  }

  if (soundToggle) setUpSound();
  remember();
  regroup();
  scheduleTick();
  timers.push(setInterval(refreshPresence, PRESENCE_REFRESH_MS));
  timers.push(setInterval(function () {
    if (document.visibilityState === "visible") refetchAll().catch(function () {});
  }, RESYNC_MS));
  document.addEventListener("visibilitychange", function () {
    if (!ended && document.visibilityState === "visible") refetchAll().catch(function () {});
  });
  connect();
})();
