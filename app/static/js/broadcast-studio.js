// Going live from the browser: camera and microphone or a shared screen, a preview, and
// WHIP (RFC 9725) to the app: POST the complete offer (no trickle ICE) with the bearer token,
// apply the answer, DELETE the returned Location to end.
(function () {
  "use strict";
  const box = document.getElementById("golive");
  if (!box) return;
  const d = box.dataset;
  const preview = document.getElementById("preview");
  const state = document.getElementById("golive-state");
  const start = document.getElementById("start");
  const stop = document.getElementById("stop");
  let stream = null;
  let pc = null;
  let location = null;

  async function use(getStream) {
    try {
      const next = await getStream();
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      stream = next;
      preview.srcObject = stream;
      start.disabled = pc !== null;
    } catch (e) {
      state.textContent = d.textFailed + " " + e.message;
    }
  }
  document.getElementById("camera").addEventListener("click", function () {
    use(function () {
      return navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true });
    });
  });
  document.getElementById("screen").addEventListener("click", function () {
    use(async function () {
      const screen = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      // Keep the microphone: the presenter speaks over the slides.
      try {
        const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
        mic.getAudioTracks().forEach(function (t) { screen.addTrack(t); });
      } catch (e) { /* slides without sound */ }
      return screen;
    });
  });

  function gathered(connection) {
    if (connection.iceGatheringState === "complete") return Promise.resolve();
    return new Promise(function (resolve) {
      connection.addEventListener("icegatheringstatechange", function () {
        if (connection.iceGatheringState === "complete") resolve();
      });
      setTimeout(resolve, 3000);
    });
  }

  start.addEventListener("click", async function () {
    if (!stream) return;
    start.disabled = true;
    state.textContent = d.textConnecting;
    pc = new RTCPeerConnection();
    stream.getTracks().forEach(function (track) {
      pc.addTransceiver(track, { direction: "sendonly", streams: [stream] });
    });
    try {
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      const response = await fetch(d.whip, {
        method: "POST",
        body: pc.localDescription.sdp,
        headers: { "Content-Type": "application/sdp", Authorization: "Bearer " + d.token },
      });
      if (response.status !== 201) throw new Error(response.status + " " + (await response.text()));
      location = response.headers.get("Location");
      await pc.setRemoteDescription({ type: "answer", sdp: await response.text() });
      state.textContent = d.textLive;
      document.getElementById("status").textContent = d.statusLive;
      stop.disabled = false;
    } catch (e) {
      state.textContent = d.textFailed + " " + e.message;
      pc.close();
      pc = null;
      start.disabled = false;
    }
  });

  stop.addEventListener("click", async function () {
    stop.disabled = true;
    if (location) {
      await fetch(location, { method: "DELETE", headers: { Authorization: "Bearer " + d.token } });
    }
    if (pc) pc.close();
    pc = null;
    location = null;
    state.textContent = d.textEnded;
    document.getElementById("status").textContent = d.statusEnded;
    start.disabled = !stream;
  });
})();
