// The identity-check page on the phone: local preview, the live prompts from the media
// server's "liveness" data-channel messages, and a clear result. Without JS the page still
// has the Finish form; the check itself needs the camera, so it needs JS.
import { joinRoom } from "./room.js";

const root = document.getElementById("identity-call");
if (root) main(root);

function main(root) {
  const d = root.dataset;
  const $ = (id) => document.getElementById(id);
  const message = $("identity-message");
  const digits = $("identity-digits");
  const list = $("identity-prompts");
  const join = $("identity-join");
  const finish = $("identity-finish");
  const zh = d.lang === "zh";
  let room = null;

  const text = (item) => (zh ? item.text_zh : item.text_en);
  // The server sends the message in each language (message_zh, message_en): show the reader's.
  const localMessage = (result) => (zh ? result.message_zh : result.message_en) || result.message || "";

  function render(result) {
    message.textContent = localMessage(result);
    const running = result.state === "running" && result.face_present;
    const current = running ? result.prompts.find((p) => p.passed === null) : null;
    digits.hidden = !(current && current.id === "digits" && current.digits);
    if (!digits.hidden) digits.textContent = current.digits.split("").join(" ");
    list.replaceChildren(...result.prompts.map((p) => {
      const li = document.createElement("li");
      const verdict = p.passed === true ? d.textPassed : p.passed === false ? d.textFailedPrompt
        : result.state === "done" && p.id === "digits" ? d.textOfficial : d.textPending;
      li.textContent = `${text(p)}: ${verdict}`;
      if (p === current) li.setAttribute("aria-current", "step");
      li.className = p.passed === true ? "passed" : p.passed === false ? "failed" : "";
      return li;
    }));
    if (result.state === "done") {
      message.textContent = `${localMessage(result)} ${d.textDone}`;
      finish.focus();
    }
  }

  join.addEventListener("click", async () => {
    join.disabled = true;
    message.textContent = d.textConnecting;
    try {
      room = await joinRoom({
        roomId: d.roomId, token: d.token, offerUrl: d.offerUrl,
        iceServers: JSON.parse(d.iceServers || "[]"),
        localVideo: $("identity-preview"),
        onEvent: (event) => {
          if (event.type === "liveness") render(event);
          else if (event.type === "channel-open") room && room.send({ type: "liveness" });
          else if (event.type === "media-error") message.textContent = d.textCameraMissing;
          else if (event.type === "reconnect-failed") message.textContent = d.textFailed;
        },
      });
      room.send({ type: "liveness" });
    } catch (err) {
      message.textContent = err && err.status ? `${d.textFailed} (${err.message})` : d.textCameraMissing;
      join.disabled = false;
    }
  });
  window.addEventListener("pagehide", () => { if (room) room.leave(); });
}
