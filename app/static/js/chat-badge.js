// The unread badge of the Messages link, kept live on every page of a candidate or an
// employer: asks for the count when the stream says a message arrived or was read, or
// every 20 s when there is no stream. On a conversation page chat.js holds the stream and
// tells this script (the "chat:event" event), so a page opens one stream at most.
(function () {
  "use strict";
  var badge = document.getElementById("chat-unread");
  if (!badge) return;
  var data = badge.dataset;
  var asking = null;
  var polling = null;

  function show(count) {
    // The Messages link's badge, and its copy on the phone's top bar.
    [badge].concat(Array.from(document.querySelectorAll(".chat-unread-copy"))).forEach(function (b) {
      b.textContent = String(count);
      b.hidden = count === 0;
    });
    // The top bar's link shows the count as an icon's badge: its name says the count too.
    document.querySelectorAll(".topbar__chat").forEach(function (link) {
      var named = count ? link.dataset.labelUnread.replace("{n}", String(count)) : link.dataset.label;
      link.setAttribute("aria-label", named);
    });
    badge.setAttribute("aria-label", data.label.replace("{n}", String(count)));
  }

  function refresh() {
    clearTimeout(asking);
    asking = setTimeout(function () {
      fetch(data.count, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) { if (body) show(body.unread); })
        .catch(function () {});
    }, 250); // one request for a burst of events
  }

  function poll() {
    if (!polling) polling = setInterval(refresh, 20000);
  }

  function listen() {
    if (!data.stream || !window.EventSource) return poll();
    var failures = 0;
    var source = new EventSource(data.stream, { withCredentials: true });
    source.addEventListener("open", function () { failures = 0; refresh(); });
    source.addEventListener("message", refresh);
    source.addEventListener("read", refresh);
    // Signed out or no longer allowed: the badge stops listening (the next page says why).
    source.addEventListener("end", function () { source.close(); });
    source.addEventListener("error", function () {
      failures += 1;
      if (failures >= 3 || source.readyState === EventSource.CLOSED) {
        source.close();
        poll();
      }
    });
  }

  if (document.getElementById("chat")) document.addEventListener("chat:event", refresh);
  else listen();
  document.addEventListener("visibilitychange", function () { if (!document.hidden) refresh(); });
})();
