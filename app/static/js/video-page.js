// The interview room page: lobby (camera check + preview), admission, and the call itself.
// Progressive enhancement over app/templates/video/room.html; the media logic is room.js.
import { joinRoom } from "./room.js";

const root = document.getElementById("video-room");
if (root) main(root);

function main(root) {
  const d = root.dataset;
  const $ = (id) => document.getElementById(id);
  const names = JSON.parse(d.names || "{}");
  const iceServers = JSON.parse(d.iceServers || "[]");
  const isInterviewer = d.role === "interviewer";
  const lobbyStatus = $("lobby-status");
  const joinButton = $("join");
  let preview = null;
  let room = null;
  let timer = null;
  let polling = null;
  let closedShown = false;

  // ---- lobby: camera and microphone check -----------------------------------------
  navigator.mediaDevices.getUserMedia({ audio: true, video: true }).then((stream) => {
    preview = stream;
    $("preview").srcObject = stream;
    $("device-status").textContent = d.textCameraOk;
    joinButton.disabled = false;
  }).catch(() => {
    $("device-status").textContent = d.textCameraMissing;
    joinButton.disabled = false; // audio-only or receive-only is still possible
  });

  joinButton.addEventListener("click", async () => {
    joinButton.disabled = true;
    if (isInterviewer) return enter(d.token);
    lobbyStatus.textContent = d.textWaiting;
    const token = await waitForAdmission();
    if (token) enter(token);
  });

  // Every poll also renews this user's access to the room (the server's lease), so the page
  // keeps polling during the call; a 410 means the room closed: the page says why.
  async function poll() {
    const response = await fetch(d.lobbyUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (response.status === 410) {
      const state = await response.json();
      showClosed(state);
      return state;
    }
    if (!response.ok) throw new Error(`lobby ${response.status}`);
    return response.json();
  }

  async function waitForAdmission() {
    while (!closedShown) {
      try {
        const state = await poll();
        if (state.closed) return null;
        if (state.admitted) { lobbyStatus.textContent = d.textAdmitted; return state.token; }
      } catch (e) { console.warn(e); }
      await new Promise((r) => setTimeout(r, 2000));
    }
    return null;
  }

  // ---- the room closed (ended, cancelled, moved): say so, with the way back ------------
  function showClosed(state) {
    if (closedShown) return;
    closedShown = true;
    clearInterval(polling);
    clearInterval(timer);
    if (room) room.leave();
    if (preview) preview.getTracks().forEach((t) => t.stop());
    $("lobby").hidden = true;
    $("in-room").hidden = true;
    $("room-closed-message").textContent = (state && state.message) || d.textClosed;
    if (state && state.url) $("room-closed-link").href = state.url;
    if (state && state.linkText) $("room-closed-link").textContent = state.linkText;
    $("room-closed").hidden = false;
    $("room-closed-link").focus();
  }

  // The media server hung up on us alone: the app revoked our access (removed from the
  // company, account erased). The room goes on for the others, so no lobby poll says why.
  const ACCESS_ENDED = ["removed", "erased"];

  // The media server said the room is gone, or refused us: ask the app why (a 410 shows it).
  // If the app still lets us in, the poll has just renewed our access (it may have lapsed
  // while a background tab's timers slept): try AGAIN, once; otherwise the room is gone.
  const GONE = [403, 404, 410];
  async function roomGone(again) {
    let state = null;
    try { state = await poll(); } catch (e) { console.warn(e); }
    if (state && state.closed) return;
    if (state && again) return again();
    showClosed(null);
  }

  // ---- interviewer: who is waiting, admit with one click -----------------------------
  if (isInterviewer) {
    const list = $("waiting-list");
    const refresh = async () => {
      try {
        const state = await poll();
        if (state.closed) return;
        list.replaceChildren(...(state.waiting.length ? state.waiting.map(waitingItem) : [hint(d.textNobody)]));
      } catch (e) { console.warn(e); }
    };
    const waitingItem = (user) => {
      const li = document.createElement("li");
      li.append(user.name + " ");
      const button = document.createElement("button");
      button.className = "button admit";
      button.type = "button";
      button.textContent = d.textAdmit;
      button.addEventListener("click", async () => {
        button.disabled = true;
        const body = new URLSearchParams({ csrf_token: d.csrf });
        await fetch(d.admitUrl, { method: "POST", body, headers: { Accept: "application/json" }, credentials: "same-origin" });
        refresh();
      });
      li.append(button);
      return li;
    };
    refresh();
    polling = setInterval(refresh, 3000);
  }

  function hint(text) {
    const li = document.createElement("li");
    li.className = "hint";
    li.textContent = text;
    return li;
  }

  // ---- the call ------------------------------------------------------------------------
  async function enter(token, retried = false) {
    if (preview) preview.getTracks().forEach((t) => t.stop());
    $("lobby").hidden = true;
    $("in-room").hidden = false;
    const connection = $("connection");
    let rejoined = false; // a refused re-join was retried once since the last good connection
    try {
      room = await joinRoom({
        roomId: d.roomId, token, offerUrl: d.offerUrl, iceServers,
        localVideo: $("local"), remoteContainer: $("remote"), onEvent,
      });
    } catch (err) {
      console.warn(err);
      if (GONE.includes(err.status)) return roomGone(retried ? null : () => enter(token, true));
      connection.textContent = d.textFailed;
      return;
    }
    if (closedShown) return room.leave();
    startTimer();
    if (!isInterviewer) polling = setInterval(() => poll().catch((e) => console.warn(e)), 5000);
    function onEvent(ev) {
      if (ev.type === "connection" && ev.state === "connected") connection.textContent = d.textConnected;
      if (ev.type === "reconnecting") { connection.textContent = d.textReconnecting; root.classList.add("reconnecting"); }
      if (ev.type === "reconnected") { connection.textContent = d.textConnected; root.classList.remove("reconnecting"); rejoined = false; }
      if (ev.type === "reconnect-failed") {
        connection.textContent = d.textFailed;
        if (GONE.includes(ev.status)) roomGone(rejoined ? null : () => { rejoined = true; room.restartIce(); });
      }
      if (ev.type === "closed") {
        // The interview's page, its lobby and its scorecard are theirs no longer either
        // (each would answer 404): out of sight, and the way out leads home.
        if (ACCESS_ENDED.includes(ev.reason)) {
          document.querySelectorAll("[data-needs-access]").forEach((el) => { el.hidden = true; });
          showClosed({ message: d.textAccessEnded, url: d.urlHome, linkText: d.textHome });
        } else roomGone(null);
      }
      if (ev.type === "chat") addChat(ev);
      if (ev.type === "remote-streams") {
        for (const v of $("remote").querySelectorAll("video")) v.setAttribute("aria-label", names[v.dataset.user] || v.dataset.user);
      }
    }
  }

  function startTimer() {
    const started = Date.now();
    const el = $("timer");
    timer = setInterval(() => {
      const s = Math.floor((Date.now() - started) / 1000);
      el.textContent = `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
    }, 1000);
  }

  function addChat(msg) {
    const li = document.createElement("li");
    const who = document.createElement("strong");
    who.textContent = (room && msg.user === room.me ? d.textMe : names[msg.user] || msg.user) + ": ";
    li.append(who, msg.text);
    $("chat-log").append(li);
  }

  $("chat-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const input = $("chat-text");
    if (room && input.value.trim()) room.sendChat(input.value.trim());
    input.value = "";
  });

  const toggle = (id, apply) => $(id).addEventListener("click", async (ev) => {
    const button = ev.currentTarget;
    const on = button.getAttribute("aria-pressed") !== "true";
    try { await apply(on); button.setAttribute("aria-pressed", String(on)); } catch (e) { console.warn(e); }
  });
  toggle("mute", (on) => room && room.setMuted(on));
  toggle("camera", (on) => room && room.setCamera(!on));
  toggle("share", (on) => room && (on ? room.startScreenShare() : room.stopScreenShare()));
  $("leave").addEventListener("click", () => {
    if (room) room.leave();
    clearInterval(timer);
    $("connection").textContent = d.textLeft;
    $("leave").disabled = true;
  });
}
