// The live queue. The socket says "intake N changed, version V" and brings the rows it
// changed, rendered once on the server for every screen of the school in this page's
// language (queue_rows.js puts them in place); or "who has intake N open" with their names.
// A screen with filters of its own fetches just the changed rows, under its filters. After a
// reconnect (also when the server's heartbeat falls silent) and when a version is skipped,
// the page asks for the rows changed since its last read (a whole school's screens coming
// back at once must not each re-read the whole table); every two minutes, the whole table
// body is fetched again: events may be lost, the database is the truth. An urgent item that arrives is highlighted, announced (the words
// come from the template) and, unless the sound is turned off, marked by a short tone.
// Each row's "time left" text is the server's: the page re-reads its rows when the soonest of
// them would change (data-tick). The tab title's count of unclaimed urgent items is kept per
// school, from each re-read (a response header) and each pushed row, whichever is newer; the
// title's words come from the template.
(function () {
  "use strict";
  const table = document.getElementById("queue");
  const live = window.SchoolWellQueueRows;
  if (!table || !live || !("WebSocket" in window)) return;
  const status = document.getElementById("live-status");
  const announcer = document.getElementById("queue-announce");
  const soundControl = document.getElementById("sound-control");
  const soundToggle = document.getElementById("sound-toggle");
  const soundBlocked = document.getElementById("sound-blocked");
  // Per person: a shared school computer keeps each team member's own choice.
  const SOUND_KEY = "schoolwell.queue.sound." + (soundToggle ? soundToggle.dataset.user : "");
  const URGENT_HEADER = "X-Urgent-By-School";
  const READ_AT_HEADER = "X-Queue-Read-At";
  // Never re-read for the countdown more often than this, whatever the server asks.
  const MIN_TICK_MS = 15000;
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
  const MAX_RETRY_MS = 4000;
  const versions = new Map();
  // Unclaimed urgent items per school, each as of when the server read it: {n, at}. A school
  // the last full read did not name had none as of `base`.
  const urgent = { base: 0, schools: new Map() };
  const timers = [];
  let ended = false;
  // Rows pushed while a full re-read is on its way: the re-read may have been read on the
  // server before them, so they go back on top of it (live.apply skips what it has newer).
  let reading = 0;
  let pushedWhileReading = [];
  // The server's time (seconds) of the newest read this page holds: changes since then are
  // what a reconnect asks for. A pushed row's time counts too: one Redis connection brings a
  // socket process its events in the order they were published, so a page that has applied
  // an event stamped t has every event published before it.
  let readAt = 0;
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

  const rows = live.rows;

  function noteRead(at) {
    if (typeof at === "number" && at > readAt) readAt = at;
  }

  function remember() {
    versions.clear();
    rows().forEach(function (row) {
      versions.set(live.idOf(row), Number(row.dataset.version));
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

  function showCount() {
    if (ended) return;
    let count = 0;
    urgent.schools.forEach(function (school) { count += school.n; });
    document.title = count === 0
      ? table.dataset.titleCalm
      : table.dataset.titleUrgent.replace("#", String(count));
  }

  // A full count from the server (the page, or a re-read's header): every school as of `at`.
  function countAll(text) {
    let read;
    try { read = JSON.parse(text); } catch (error) { return; }
    if (!read || typeof read.at !== "number" || read.at < urgent.base) return;
    urgent.base = read.at;
    urgent.schools = new Map();
    Object.keys(read.schools || {}).forEach(function (school) {
      urgent.schools.set(school, { n: Number(read.schools[school]) || 0, at: read.at });
    });
    showCount();
  }

  // One school's count, brought by a pushed row: kept unless something newer is known.
  function countSchool(school, n, at) {
    const known = urgent.schools.get(String(school));
    if (typeof at !== "number" || at < (known ? known.at : urgent.base)) return;
    urgent.schools.set(String(school), { n: Number(n) || 0, at: at });
    showCount();
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
    const counts = response.headers.get(URGENT_HEADER);
    if (counts) countAll(counts);
    noteRead(Number(response.headers.get(READ_AT_HEADER)));
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
    reading += 1;
    let html;
    try {
      html = await fetchText(withFilters(table.dataset.rows, { partial: "rows" }));
    } finally {
      reading -= 1;
    }
    if (ended) return;  // fetched before the session ended: not to be shown now
    document.getElementById("queue-rows").outerHTML = html;
    rows().forEach(live.personalise);
    remember();
    const pushed = pushedWhileReading;
    if (!reading) pushedWhileReading = [];
    pushed.forEach(function (event) { live.apply(event, versions); });
    if (pushed.length) remember();
    regroup();
    scheduleTick();
    cue(Array.from(rows()).filter(function (row) { return !before.has(live.idOf(row)); }));
  }

  // Only what changed since the last read, in the pushed rows' shape; the server answers
  // {"full": true} when the whole table is the better read (too long ago, too much changed).
  async function refetchChanges() {
    if (!readAt) return refetchAll();
    const text = await fetchText(withFilters(table.dataset.changes, { since: String(readAt) }));
    if (ended) return;
    const message = JSON.parse(text);
    if (message.full) return refetchAll();
    // A whole re-read on its way may have been read before this: it goes back on top.
    if (reading) pushedWhileReading.push(message);
    const had = rows().length;
    const arrived = live.apply(message, versions);
    if (had && !rows().length) return refetchAll();  // the server's empty state
    remember();
    regroup();
    cue(arrived);
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
    const row = live.parse(html);
    live.personalise(row);
    // A new row, or one whose place changed (urgency, target), needs the server's order.
    if (!existing || existing.dataset.rank !== row.dataset.rank) return refetchAll();
    const highlighted = existing.classList.contains("arrived-urgent");
    existing.replaceWith(row);
    if (highlighted) row.classList.add("arrived-urgent");
    remember();
    regroup();
  }

  // A changed intake's rows, as pushed. Without them (the server could not render) or when
  // this screen's figures are its own (live.sharedView), the rows come over HTTP instead.
  function received(event) {
    const known = versions.get(String(event.intake));
    if (known !== undefined && event.version > known + 1) return refetchChanges();
    if (event.rows === undefined) return refreshRow(event.intake);
    countSchool(event.school, event.urgent, event.at);
    if (!live.schoolShown(event.school)) {
      noteRead(event.at);  // nothing of that school's is on this page
      return Promise.resolve();
    }
    if (!live.sharedView(event)) {
      const ids = event.rows.map(function (row) { return row.id; })
        .concat(event.gone.map(function (gone) { return gone.id; }));
      return Promise.all(ids.map(refreshRow)).then(function () { noteRead(event.at); });
    }
    if (reading) pushedWhileReading.push(event);
    const arrived = live.apply(event, versions);
    noteRead(event.at);
    if (!rows().length) return refetchAll();  // the server's empty state
    remember();
    regroup();
    cue(arrived);
    return Promise.resolve();
  }

  // Who has an item open: names with ids, this person left out (live.setViewers).
  function presence(event) {
    const row = document.getElementById("intake-" + event.intake);
    if (!row) return;
    if (event.viewers) live.setViewers(row, event.viewers);
    else refreshRow(event.intake).catch(function () {});
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const language = "?lang=" + encodeURIComponent(document.documentElement.lang || "");
    const socket = new WebSocket(scheme + location.host + table.dataset.socket + language);
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
      // The longest wait is 4 s (2-6 s jittered): a screen tries again within about 6 s of
      // its server (or Redis) returning. How soon it is caught up also depends on the server
      // answering the re-read; bench/topology.py measures that.
      setTimeout(connect, delay * (0.5 + Math.random()));
      delay = Math.min(delay * 2, MAX_RETRY_MS);
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
      if (connectedBefore) refetchChanges().catch(function () {});
      connectedBefore = true;
    });
    socket.addEventListener("message", function (message) {
      if (retired) return;
      heard = Date.now();
      const event = JSON.parse(message.data);
      if (event.type === "queue.presence") return presence(event);
      if (event.type !== "queue.changed") return;
      received(event).catch(refetchAll);
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
  countAll(table.dataset.urgent);
  noteRead(Number(table.dataset.readAt));
  rows().forEach(live.personalise);
  remember();
  regroup();
  scheduleTick();
  timers.push(setInterval(function () {
    if (document.visibilityState === "visible") refetchAll().catch(function () {});
  }, RESYNC_MS));
  document.addEventListener("visibilitychange", function () {
    if (!ended && document.visibilityState === "visible") refetchAll().catch(function () {});
  });
  connect();
})();
