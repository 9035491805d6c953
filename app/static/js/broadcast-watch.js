// The watch page: plays the broadcast's HLS playlist with hls.js (or natively on Safari),
// switches to the audio-only playlist on request, beats a presence heartbeat while live,
// refreshes the approved questions, and follows the broadcast's status as it changes.
(function () {
  "use strict";
  const box = document.getElementById("player");
  if (!box) return;
  const d = box.dataset;
  const video = document.getElementById("video");
  const state = document.getElementById("player-state");
  const audioOnly = document.getElementById("audio-only");
  let hls = null;
  let retry = null;
  let polling = null;

  function source() {
    if (d.status === "ended") return d.replay;
    return audioOnly && audioOnly.checked ? d.audio : d.live;
  }

  function play() {
    clearTimeout(retry);
    if (d.status === "cancelled") {  // nothing will ever play
      if (hls) hls.destroy();
      hls = null;
      video.pause();
      box.hidden = true;
      return;
    }
    const url = source();
    if (d.status === "scheduled" && !d.hasReplay) {
      state.textContent = d.textWaiting;
      retry = setTimeout(play, 5000);
      return;
    }
    if (window.Hls && window.Hls.isSupported()) {
      if (hls) hls.destroy();
      hls = new window.Hls({ enableWorker: false, liveSyncDurationCount: 2 });
      hls.on(window.Hls.Events.ERROR, function (_event, data) {
        if (!data.fatal) return;
        // The playlist may not exist yet (the publisher is connecting): try again shortly.
        state.textContent = d.textWaiting;
        hls.destroy();
        hls = null;
        retry = setTimeout(play, 3000);
      });
      hls.on(window.Hls.Events.MANIFEST_PARSED, function () {
        state.textContent = "";
        video.play().catch(function () {});
      });
      hls.loadSource(url);
      hls.attachMedia(video);
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = url;
      video.play().catch(function () {});
    }
  }

  // The badge as the page would render it for STATUS (show.html, #broadcast-status).
  function showStatus(status) {
    const line = document.getElementById("broadcast-status");
    if (!line) return;
    line.replaceChildren();
    if (status === "ended") {
      line.textContent = d.textEnded;
    } else if (status === "live" || status === "cancelled") {
      const badge = document.createElement("strong");
      badge.className = "badge";
      badge.textContent = status === "live" ? d.textLive : d.textCancelled;
      line.append(badge);
      if (status === "live") {
        const watching = document.createElement("span");
        watching.id = "watching";
        watching.setAttribute("aria-live", "polite");
        line.append(" ", watching);
      }
    }
  }

  // The status changed under the open page (the host ended or cancelled it, the publisher
  // connected): the heartbeat and the question poll report it. The whole page follows, not
  // only the player: a badge still saying "Live, 0 watching" over the replay, or a question
  // box the server now refuses (409), would tell the viewer the opposite of the truth.
  function follow(status) {
    if (!status || status === d.status) return;
    d.status = status;
    showStatus(status);
    // Reminders are only for a broadcast still to come (the server refuses the others).
    const remind = document.getElementById("remind");
    if (remind) remind.remove();
    if (status === "ended" || status === "cancelled") {
      const asking = document.getElementById("asking");
      if (asking) asking.remove();
      clearInterval(polling);
    }
    if (status === "ended") {
      const title = document.getElementById("questions-title");
      if (title) title.textContent = d.textTranscript;
    }
    play();
    if (status === "live") beat();
  }

  if (audioOnly) audioOnly.addEventListener("change", play);
  play();

  async function beat() {
    if (d.status !== "live") return;
    const body = new URLSearchParams({ csrf_token: d.csrf });
    try {
      const response = await fetch(d.presence, { method: "POST", body, credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) {
        const data = await response.json();
        follow(data.status);
        const watching = document.getElementById("watching");
        if (watching) watching.textContent = d.textWatching.replace("{n}", data.watching);
      }
    } catch (e) { /* offline for a moment: the next beat counts */ }
  }
  beat();
  setInterval(beat, 15000);

  const list = document.getElementById("question-list");
  function render(questions) {
    list.replaceChildren();
    for (const q of questions) {
      const li = document.createElement("li");
      li.dataset.id = q.id;
      if (q.pinned) {
        const pin = document.createElement("strong");
        pin.textContent = d.textPinned + " ";
        li.append(pin);
      }
      li.append(document.createTextNode(q.body + " "));
      if (d.signedIn) {
        const up = document.createElement("button");
        up.className = "link";
        up.textContent = "▲ " + q.votes;
        up.setAttribute("aria-label", d.textVote + " (" + q.votes + ")");
        up.addEventListener("click", async function () {
          const body = new URLSearchParams({ csrf_token: d.csrf });
          await fetch(d.vote.replace("/0/", "/" + q.id + "/"), { method: "POST", body, credentials: "same-origin", headers: { Accept: "application/json" } });
          refresh();
        });
        li.append(up);
      }
      if (q.answer || q.answered_on_air) {
        const p = document.createElement("p");
        p.textContent = q.answer || d.textOnAir;
        li.append(p);
      }
      list.append(li);
    }
  }
  async function refresh() {
    try {
      const response = await fetch(d.questions, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) {
        const data = await response.json();
        render(data.questions);
        follow(data.status);
      }
    } catch (e) { /* try again at the next tick */ }
  }
  if (d.status !== "ended") polling = setInterval(refresh, 5000);
  if (d.signedIn) refresh();
})();
