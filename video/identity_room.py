"""What an identity room adds to the SFU: a liveness check on the person being verified
(:mod:`video.liveness`), its updates pushed to the room, and its result kept after everyone
left until the room expires (the app fetches it over HTTP, see :mod:`video.http_app`).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from .control import broadcast

if TYPE_CHECKING:
    from .liveness import LivenessSession
    from .sfu import Participant, RoomState

REVIEWER_ROLES = frozenset({"official", "reviewer"})
"""Token roles of people who watch an identity check; their own video is never checked."""


class IdentityChecks:
    """The liveness checks of one media server's identity rooms."""

    def __init__(self, snapshot_dir: str | None) -> None:
        self.snapshot_dir = snapshot_dir
        self.finished: dict[str, tuple[int, LivenessSession]] = {}
        """room id -> (when the room expires, its check) for rooms nobody is in any more."""

    def published(self, state: RoomState, participant: Participant, kind: str) -> None:
        """Run the identity check on the person being verified (not on a reviewer).

        The subject is whoever publishes video first without a reviewer role. Their
        reconnect re-attaches the running check; a new video after a failed or interrupted
        check starts a new one; a passed check is kept.
        """
        # Imported here: only identity rooms need OpenCV and the decoders.
        from .liveness import LivenessSession

        if participant.role in REVIEWER_ROLES:
            return
        current = state.liveness
        if current is not None and current.user_id != participant.user_id:
            return
        publishers = participant.publishers
        if kind == "audio":
            if current is not None and not current.done:
                current.attach_audio(publishers["audio"])
            return
        if current is not None and not current.done:
            current.attach_video(publishers["video"])
            if "audio" in publishers:
                current.attach_audio(publishers["audio"])
            return
        if current is not None and current.result()["passed"]:
            return
        if current is not None:
            current.stop()
        self.finished.pop(state.room.room_id, None)
        state.liveness = LivenessSession(
            publishers["video"],
            state.room.codec,
            snapshot_dir=self.snapshot_dir,
            room_id=state.room.room_id,
            on_update=lambda message: broadcast(state, {"type": "liveness", **message}),
            audio=publishers.get("audio"),
            user_id=participant.user_id,
        )
        participant.log.info("identity check started")

    def room_emptied(self, state: RoomState) -> None:
        """Stop the room's check and keep its result until the room expires."""
        if state.liveness is None:
            return
        state.liveness.stop()
        now = time.time()
        for room_id, (expires_at, _) in list(self.finished.items()):
            if expires_at <= now:
                del self.finished[room_id]
        self.finished[state.room.room_id] = (state.room.expires_at, state.liveness)

    def for_room(self, state: RoomState | None, room_id: str) -> LivenessSession | None:
        """The check of a room, live or kept after everyone left (until the room expires)."""
        if state is not None and state.liveness is not None:
            return state.liveness
        kept = self.finished.get(room_id)
        if kept is not None:
            expires_at, session = kept
            if expires_at > time.time():
                return session
            del self.finished[room_id]
        return None
