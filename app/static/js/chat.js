// A conversation page: send without reloading, receive in real time over Server-Sent
// Events (the stream process, or this origin), fall back to polling when the stream fails,
// and tell the other side what was read.
(function () {
  "use strict";
  var root = document.getElementById("chat");
  if (!root) return;
  var data = root.dataset;
  var conversationId = Number(data.conversation);
  var side = data.side;
  var list = document.getElementById("messages");
  var status = document.getElementById("chat-status");
  var form = document.getElementById("compose");
  var errorBox = document.getElementById("compose-error");
  var otherRead = Number(data.otherRead) || 0;
  var failures = 0;
  var polling = null;
  var source = null;

  function lastId() {
    var items = list.querySelectorAll("li[data-id]");
    return items.length ? Number(items[items.length - 1].dataset.id) : 0;
  }

  // "2026-12-04 16:50 北京时间", as the page writes the messages it was served with
  var timeParts = new Intl.DateTimeFormat("en-CA", {
    timeZone: data.zone, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });

  function stampText(iso) {
    var p = {};
    timeParts.formatToParts(new Date(iso)).forEach(function (part) { p[part.type] = part.value; });
    return p.year + "-" + p.month + "-" + p.day + " " + p.hour + ":" + p.minute + " " + data.zoneName;
  }

  function render(message) {
    if (message.conversation_id !== conversationId) return;
    if (list.querySelector('li[data-id="' + message.id + '"]')) return;
    var item = document.createElement("li");
    var mine = message.side === side;
    item.className = "message " + (mine ? "mine" : "theirs");
    item.dataset.id = message.id;
    var text = document.createElement("p");
    text.className = "text";
    if (message.kind === "resume") text.textContent = data.labelResume + " " + message.text;
    else if (message.kind === "contact") text.textContent = data.labelContact;
    else text.textContent = message.text;
    var stamp = document.createElement("p");
    stamp.className = "stamp";
    var time = document.createElement("time");
    time.dateTime = message.created_at;
    time.textContent = stampText(message.created_at);
    stamp.appendChild(time);
    if (mine) {
      stamp.appendChild(document.createTextNode(" "));
      var receipt = document.createElement("span");
      receipt.className = "receipt";
      receipt.textContent = message.id <= otherRead ? data.labelRead : data.labelSent;
      stamp.appendChild(receipt);
    }
    item.appendChild(text);
    item.appendChild(stamp);
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
    if (!mine) markRead();
  }

  function showReceipts() {
    list.querySelectorAll("li.mine").forEach(function (item) {
      var receipt = item.querySelector(".receipt");
      if (receipt && Number(item.dataset.id) <= otherRead) receipt.textContent = data.labelRead;
    });
  }

  var readTimer = null;
  function markRead() {
    if (!side || document.hidden) return;
    clearTimeout(readTimer);
    readTimer = setTimeout(function () {
      var body = new URLSearchParams({ up_to: String(lastId()), csrf_token: data.csrf });
      fetch(data.read, { method: "POST", body: body, credentials: "same-origin" }).then(changed);
    }, 150);
  }

  function onReceipt(receipt) {
    if (receipt.conversation_id !== conversationId || receipt.side === side) return;
    otherRead = Math.max(otherRead, receipt.up_to);
    showReceipts();
  }

  // The header badge (chat-badge.js) counts again when something arrived or was read.
  function changed() { document.dispatchEvent(new CustomEvent("chat:event")); }

  // Signed out (here or in another tab) or no longer a party: stop listening and say so,
  // rather than poll a page that answers with the login form.
  var over = false;
  function ended() {
    over = true;
    if (source) source.close();
    if (polling) { clearInterval(polling); polling = null; }
    status.textContent = data.labelEnded;
    status.hidden = false;
    if (form) form.querySelectorAll("textarea, button").forEach(function (el) { el.disabled = true; });
  }

  function poll() {
    if (over) return;
    fetch(data.poll + "?after=" + lastId(), {
      credentials: "same-origin", headers: { Accept: "application/json" },
    })
      .then(function (r) {
        if (r.redirected || [401, 403, 404].indexOf(r.status) >= 0) { ended(); return null; }
        return r.ok ? r.json() : null;
      })
      .then(function (body) {
        if (!body) return;
        body.items.forEach(render);
        if (polling) changed(); // without the stream, the badge learns it from polling
        otherRead = Math.max(otherRead, body.other_read_up_to);
        showReceipts();
      })
      .catch(function () {});
  }

  function startPolling() {
    if (polling || over) return;
    status.textContent = data.labelOffline;
    status.hidden = false;
    polling = setInterval(poll, 3000);
    setTimeout(connect, 30000); // try the stream again later
  }

  function connect() {
    if (over) return;
    if (!window.EventSource) return startPolling();
    if (source) source.close();
    source = new EventSource(data.stream + "?after=" + lastId(), { withCredentials: true });
    source.addEventListener("open", function () {
      failures = 0;
      if (polling) { clearInterval(polling); polling = null; status.hidden = true; }
      poll(); // anything sent while we were away
    });
    source.addEventListener("message", function (e) { render(JSON.parse(e.data)); changed(); });
    source.addEventListener("read", function (e) { onReceipt(JSON.parse(e.data)); changed(); });
    source.addEventListener("end", ended);
    source.addEventListener("error", function () {
      failures += 1;
      if (failures >= 3 || source.readyState === EventSource.CLOSED) {
        source.close();
        startPolling();
      }
    });
  }

  if (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var textarea = form.querySelector("textarea");
      if (!textarea.value.trim()) return;
      var body = new FormData(form);
      errorBox.hidden = true;
      fetch(data.send, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (r) {
          if (r.redirected || r.status === 401) { ended(); return null; }
          // A refusal of the chat says why in JSON; anything else (a rate limit, an
          // expired form) is an error page: the text stays in the box to send again.
          return r.json().then(
            function (j) { return { ok: r.ok, body: j }; },
            function () { return { ok: false, body: { error: r.status === 429 ? data.labelTooFast : data.labelNotSent } }; }
          );
        })
        .then(function (result) {
          if (!result) return;
          if (!result.ok) { errorBox.textContent = result.body.error; errorBox.hidden = false; return; }
          textarea.value = "";
          render(result.body);
        })
        .catch(function () { errorBox.textContent = data.labelNotSent; errorBox.hidden = false; });
    });
    form.querySelector("textarea").addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) form.requestSubmit();
    });
  }
  root.querySelectorAll("button.quick").forEach(function (button) {
    button.addEventListener("click", function () {
      form.querySelector("textarea").value = button.dataset.text;
      form.requestSubmit();
    });
  });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) markRead(); });
  list.scrollTop = list.scrollHeight;
  markRead();
  // An official reads a reported conversation as a record, outside it: the stream is the
  // two sides' own (it refuses anybody else), and a reload shows what came since.
  if (side) connect();
})();
