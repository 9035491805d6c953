// The watch page: plays the broadcast's HLS playlist with hls.js (or natively on Safari),
// switches to the audio-only playlist on request, beats a presence heartbeat while live,
// and refreshes the approved questions.
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

  function source() {
    if (d.status === "ended") return d.replay;
    return audioOnly && audioOnly.checked ? d.audio : d.live;
  }

  function play() {
    clearTimeout(retry);
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

  if (audioOnly) audioOnly.addEventListener("change", play);
  play();

  async function beat() {
    if (d.status !== "live") return;
    const body = new URLSearchParams({ csrf_token: d.csrf });
    try {
      const response = await fetch(d.presence, { method: "POST", body, credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) {
        const data = await response.json();
        const watching = document.getElementById("watching");
        if (watching) watching.textContent = d.textWatching.replace("{n}", data.watching);
        if (data.status !== d.status) { d.status = data.status; play(); }
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
      if (response.ok) render((await response.json()).questions);
    } catch (e) { /* try again at the next tick */ }
  }
  if (d.status !== "ended") setInterval(refresh, 5000);
  if (d.signedIn) refresh();
})();
