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
    enter(await waitForAdmission());
  });

  async function poll() {
    const response = await fetch(d.lobbyUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) throw new Error(`lobby ${response.status}`);
    return response.json();
  }

  async function waitForAdmission() {
    for (;;) {
      try {
        const state = await poll();
        if (state.admitted) { lobbyStatus.textContent = d.textAdmitted; return state.token; }
      } catch (e) { console.warn(e); }
      await new Promise((r) => setTimeout(r, 2000));
    }
  }

  // ---- interviewer: who is waiting, admit with one click -----------------------------
  if (isInterviewer) {
    const list = $("waiting-list");
    const refresh = async () => {
      try {
        const state = await poll();
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
    setInterval(refresh, 3000);
  }

  function hint(text) {
    const li = document.createElement("li");
    li.className = "hint";
    li.textContent = text;
    return li;
  }

  // ---- the call ------------------------------------------------------------------------
  async function enter(token) {
    if (preview) preview.getTracks().forEach((t) => t.stop());
    $("lobby").hidden = true;
    $("in-room").hidden = false;
    const connection = $("connection");
    room = await joinRoom({
      roomId: d.roomId, token, offerUrl: d.offerUrl, iceServers,
      localVideo: $("local"), remoteContainer: $("remote"), onEvent,
    });
    startTimer();
    function onEvent(ev) {
      if (ev.type === "connection" && ev.state === "connected") connection.textContent = d.textConnected;
      if (ev.type === "reconnecting") { connection.textContent = d.textReconnecting; root.classList.add("reconnecting"); }
      if (ev.type === "reconnected") { connection.textContent = d.textConnected; root.classList.remove("reconnecting"); }
      if (ev.type === "reconnect-failed") connection.textContent = d.textFailed;
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
