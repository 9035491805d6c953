// Yunpin video room client (plain ES module, no build step, no CDN).
//
// Protocol (see docs/video.md):
//   1. POST {sdp, type: "offer", token} to offerUrl -> {sdp, type: "answer"}.
//   2. Everything else over the "control" data channel, JSON messages:
//      server -> client: welcome, presence, offer (+ tracks map), tracks, chat, mute,
//                        screenshare, liveness, answer, error, pong, closed
//      client -> server: answer, offer, chat, mute, screenshare, liveness, ping, bye
//   The server offers when somebody joins; `tracks` maps each transceiver mid to the
//   participant ({user, kind}) whose media it carries.
//
// Usage:
//   import { joinRoom } from "/static/js/room.js";
//   const room = await joinRoom({ roomId, token, localVideo, remoteContainer, onEvent });
//   room.setMuted(true); room.setCamera(false); await room.startScreenShare();
//   room.sendChat("你好"); room.leave();

const STATS_INTERVAL_MS = 2000;
const LOW_BITRATE_BPS = 150_000;   // below this for 3 samples: audio only
const GOOD_BITRATE_BPS = 400_000;  // above this for 3 samples: video again
const RECONNECT_GRACE_MS = 4000;   // "disconnected" this long (or "failed"): re-join
const ICE_GATHER_TIMEOUT_MS = 3000;
// The server answers every ping on the control channel. Silence this long means the media
// server is gone (crashed, restarted): re-join at once; the app places the room on a live
// server, so the call continues within a few seconds instead of waiting out ICE timeouts.
const PING_INTERVAL_MS = 500;
const SERVER_SILENT_MS = 2500;
const RETRY_MS = 1000;             // a re-join that found no media server tries again

function waitForIceGathering(pc) {
  // The media server (aiortc) does not take trickled candidates: send a complete offer.
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      pc.removeEventListener("icegatheringstatechange", check);
      clearTimeout(timer);
      resolve();
    };
    const check = () => { if (pc.iceGatheringState === "complete") done(); };
    const timer = setTimeout(done, ICE_GATHER_TIMEOUT_MS);
    pc.addEventListener("icegatheringstatechange", check);
  });
}

export class RoomError extends Error {
  constructor(status, body) {
    super((body && body.message) || `offer failed with HTTP ${status}`);
    this.status = status;
    this.code = body && body.error;
  }
}

export async function joinRoom({
  roomId,
  token,
  offerUrl = `/video/rooms/${encodeURIComponent(roomId)}/offer`,
  localVideo = null,
  remoteContainer = null,
  onEvent = () => {},
  iceServers = [],
  media = { audio: true, video: { width: 640, height: 480 } },
}) {
  const emit = (type, detail = {}) => {
    try { onEvent({ type, ...detail }); } catch (e) { console.error(e); }
  };

  // ---- local media (preview) -------------------------------------------------
  let local;
  try {
    local = await navigator.mediaDevices.getUserMedia(media);
  } catch (err) {
    emit("media-error", { error: String(err) });
    local = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
  }
  const camTrack = local.getVideoTracks()[0] || null;
  const micTrack = local.getAudioTracks()[0] || null;
  if (localVideo) {
    localVideo.muted = true;
    localVideo.playsInline = true;
    localVideo.srcObject = local;
    localVideo.play().catch(() => {});
  }

  const state = {
    me: null,
    participants: new Map(), // user -> info
    trackMap: {},            // mid -> {user, kind}
    audioOnly: false,
    sharing: null,           // screen MediaStreamTrack while sharing
    closed: false,
    reconnecting: false,
  };
  const elements = new Map(); // user -> <video>
  let pc, dc, videoSender, statsTimer, graceTimer, pingTimer;
  let heardAt = 0; // when the server last said anything on the control channel
  let low = 0, good = 0;

  // ---- remote rendering ------------------------------------------------------
  function elementFor(user) {
    let el = elements.get(user);
    if (!el && remoteContainer) {
      el = document.createElement("video");
      el.autoplay = true;
      el.playsInline = true;
      el.dataset.user = user;
      el.className = "yunpin-remote-video";
      remoteContainer.appendChild(el);
      elements.set(user, el);
    }
    return el;
  }

  function render() {
    const byUser = new Map();
    for (const t of pc.getTransceivers()) {
      const info = t.mid != null ? state.trackMap[t.mid] : null;
      const track = t.receiver && t.receiver.track;
      if (!info || !info.user || !track) continue;
      if (!byUser.has(info.user)) byUser.set(info.user, []);
      byUser.get(info.user).push(track);
    }
    for (const [user, tracks] of byUser) {
      const el = elementFor(user);
      if (!el) continue;
      const current = el.srcObject ? el.srcObject.getTracks() : [];
      const same = current.length === tracks.length && tracks.every((t) => current.includes(t));
      if (!same) {
        el.srcObject = new MediaStream(tracks);
        el.play().catch(() => {
          // Autoplay with sound needs a user gesture: play muted and let the page offer unmute.
          el.muted = true;
          el.play().catch(() => {});
          emit("autoplay-muted", { user });
        });
      }
    }
    for (const [user, el] of elements) {
      if (!byUser.has(user)) {
        el.srcObject = null;
        el.remove();
        elements.delete(user);
      }
    }
    emit("remote-streams", { users: [...byUser.keys()] });
  }

  // ---- data channel ----------------------------------------------------------
  function send(msg) {
    if (dc && dc.readyState === "open") dc.send(JSON.stringify(msg));
  }

  async function onMessage(ev) {
    heardAt = Date.now();
    let msg;
    try { msg = JSON.parse(ev.data); } catch { return; }
    if (msg.tracks) state.trackMap = msg.tracks;
    switch (msg.type) {
      case "welcome":
        state.me = msg.user;
        state.participants = new Map(msg.participants.map((p) => [p.user, p]));
        emit("welcome", msg);
        break;
      case "offer": // server renegotiation: somebody joined
        await pc.setRemoteDescription({ type: "offer", sdp: msg.sdp });
        await pc.setLocalDescription(await pc.createAnswer());
        send({ type: "answer", sdp: pc.localDescription.sdp });
        render();
        break;
      case "answer":
        await pc.setRemoteDescription({ type: "answer", sdp: msg.sdp });
        render();
        break;
      case "tracks":
        render();
        break;
      case "presence":
        if (msg.state === "left") state.participants.delete(msg.user);
        else state.participants.set(msg.user, msg);
        emit("presence", msg);
        break;
      case "mute":
        if (state.participants.has(msg.user)) Object.assign(state.participants.get(msg.user), msg);
        if (elements.has(msg.user)) elements.get(msg.user).dataset.videoOff = String(!msg.video);
        emit("mute", msg);
        break;
      case "screenshare":
        // Hand-over: only one person shares; if somebody else took over, stop ours.
        if (msg.active && msg.user !== state.me && state.sharing) await room.stopScreenShare(false);
        emit("screenshare", msg);
        break;
      case "closed":
        // The app closed the room (interview ended, cancelled, moved) and the server is about
        // to hang up: that is not a lost connection, so no re-join.
        state.closed = true;
        clearInterval(statsTimer);
        clearInterval(pingTimer);
        clearTimeout(graceTimer);
        emit("closed", msg);
        break;
      default:
        emit(msg.type, msg);
    }
  }

  // ---- connection ------------------------------------------------------------
  async function connect() {
    pc = new RTCPeerConnection({ iceServers });
    dc = pc.createDataChannel("control");
    dc.onmessage = (ev) => { onMessage(ev).catch((e) => emit("error", { error: String(e) })); };
    dc.onopen = () => {
      heardAt = Date.now();
      restoreState();
      emit("channel-open");
    };
    dc.onclose = () => serverLost("channel-closed");
    for (const track of [micTrack, state.sharing || camTrack]) {
      if (!track) continue;
      const sender = pc.addTrack(track, local);
      if (track.kind === "video") videoSender = sender;
    }
    pc.ontrack = () => render();
    pc.oniceconnectionstatechange = onIceState;
    pc.onconnectionstatechange = () => emit("connection", { state: pc.connectionState });

    await pc.setLocalDescription(await pc.createOffer());
    await waitForIceGathering(pc);
    const resp = await fetch(offerUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sdp: pc.localDescription.sdp, type: "offer", token }),
    });
    let body = null;
    try { body = await resp.json(); } catch { /* not JSON */ }
    if (!resp.ok) {
      dc.onclose = null; // this attempt failed: the caller decides whether to retry
      pc.close();
      throw new RoomError(resp.status, body);
    }
    await pc.setRemoteDescription(body);
    clearInterval(statsTimer);
    statsTimer = setInterval(() => watchBandwidth().catch(() => {}), STATS_INTERVAL_MS);
    clearInterval(pingTimer);
    pingTimer = setInterval(heartbeat, PING_INTERVAL_MS);
  }

  // A new connection (first join or re-join) starts as "everything on" on the server: tell
  // it what is off, so the others see the same mute, camera and sharing state as before.
  function restoreState() {
    const audio = !micTrack || micTrack.enabled;
    const video = !!camTrack && camTrack.enabled && !state.audioOnly;
    if (!audio || !video) send({ type: "mute", audio, video });
    if (state.sharing) send({ type: "screenshare", active: true });
  }

  function heartbeat() {
    if (!dc || dc.readyState !== "open") return;
    if (Date.now() - heardAt > SERVER_SILENT_MS) serverLost("server-silent");
    else send({ type: "ping", ts: Date.now() });
  }

  function serverLost(reason) {
    if (state.closed) return;
    state.reconnecting = true;
    emit("reconnecting", { reason });
    restartIce();
  }
  function onIceState() {
    const s = pc.iceConnectionState;
    if (s === "connected" || s === "completed") {
      clearTimeout(graceTimer);
      if (state.reconnecting) {
        state.reconnecting = false;
        emit("reconnected");
      }
    } else if (s === "disconnected") {
      state.reconnecting = true;
      emit("reconnecting", { reason: "ice-disconnected" });
      clearTimeout(graceTimer);
      // A silent control channel too: the server is gone, not the network hiccuping.
      const silent = Date.now() - heardAt > PING_INTERVAL_MS * 2;
      graceTimer = setTimeout(() => restartIce(), silent ? 0 : RECONNECT_GRACE_MS);
    } else if (s === "failed") {
      state.reconnecting = true;
      emit("reconnecting", { reason: "ice-failed" });
      restartIce();
    }
  }

  // ICE restart. aiortc (the media server) cannot restart ICE on a live connection, so a
  // restart is a fresh offer on a new RTCPeerConnection over HTTP with the same token: the
  // server swaps this participant's connection and keeps their place in the room.
  async function restartIce() {
    if (state.closed) return;
    clearTimeout(graceTimer);
    clearInterval(pingTimer);
    const old = pc;
    try {
      old.oniceconnectionstatechange = null;
      if (dc) dc.onclose = null;
      old.close();
      await connect();
    } catch (err) {
      emit("reconnect-failed", { error: String(err), status: err.status });
      if (!err.status || err.status >= 500) graceTimer = setTimeout(() => restartIce(), RETRY_MS);
    }
  }

  // Audio-only fallback: when the estimated upstream bandwidth collapses, stop sending video.
  async function watchBandwidth() {
    if (!pc || pc.connectionState !== "connected") return;
    const stats = await pc.getStats();
    let available = null;
    stats.forEach((r) => {
      if (r.type === "candidate-pair" && r.nominated && r.state === "succeeded" && r.availableOutgoingBitrate != null) {
        available = r.availableOutgoingBitrate;
      }
    });
    if (available == null) return;
    if (available < LOW_BITRATE_BPS) { low += 1; good = 0; } else if (available > GOOD_BITRATE_BPS) { good += 1; low = 0; } else { low = good = 0; }
    if (!state.audioOnly && low >= 3) await setAudioOnly(true, available);
    else if (state.audioOnly && good >= 3) await setAudioOnly(false, available);
  }

  async function setAudioOnly(on, bitrate) {
    state.audioOnly = on;
    if (videoSender) await videoSender.replaceTrack(on ? null : (state.sharing || camTrack));
    send({ type: "mute", video: !on && (!camTrack || camTrack.enabled) });
    emit("audio-only", { on, bitrate });
  }

  // ---- public API --------------------------------------------------------------
  const room = {
    get pc() { return pc; },
    get participants() { return state.participants; },
    get me() { return state.me; },
    localStream: local,
    send,
    sendChat(text) { send({ type: "chat", text: String(text) }); },
    setMuted(muted) {
      if (micTrack) micTrack.enabled = !muted;
      send({ type: "mute", audio: !muted });
    },
    setCamera(on) {
      if (camTrack) camTrack.enabled = on;
      send({ type: "mute", video: on });
    },
    async startScreenShare() {
      const display = await navigator.mediaDevices.getDisplayMedia({ video: true });
      const screen = display.getVideoTracks()[0];
      state.sharing = screen;
      if (videoSender) await videoSender.replaceTrack(screen);
      screen.addEventListener("ended", () => room.stopScreenShare());
      send({ type: "screenshare", active: true });
      emit("screenshare-local", { active: true });
    },
    async stopScreenShare(notify = true) {
      if (!state.sharing) return;
      const screen = state.sharing;
      state.sharing = null;
      screen.stop();
      if (videoSender) await videoSender.replaceTrack(state.audioOnly ? null : camTrack);
      if (notify) send({ type: "screenshare", active: false });
      emit("screenshare-local", { active: false });
    },
    restartIce,
    leave() {
      state.closed = true;
      clearInterval(statsTimer);
      clearInterval(pingTimer);
      clearTimeout(graceTimer);
      send({ type: "bye" });
      setTimeout(() => {
        pc.close();
        local.getTracks().forEach((t) => t.stop());
        for (const el of elements.values()) el.remove();
        elements.clear();
      }, 100);
      emit("left");
    },
  };

  await connect();
  return room;
}
