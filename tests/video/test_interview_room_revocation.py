"""Leaving an employer, or having one's account erased, ends a call in its interview room at
once: the app revokes the access, the media server tells that person why and hangs up, and
the others stay. The app's pages and jobs, a real media server on its Redis, aiortc peers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from aiortc.mediastreams import AudioStreamTrack

from app.extensions import db
from app.media.service import settings_for
from app.models import EmployerMember, User, utcnow
from app.privacy.tasks import sweep
from bench.peers import ClientPeer
from tests.app.interviews.helpers import world
from tests.app.interviews.test_room import TOKEN, scheduled
from tests.web import as_user, csrf_token, post_form
from video.embedded import start_in_thread

from .calls import hung_up_on, still_in_call

WAY_OUT = re.compile(r'data-url-home="([^"]+)"')


@pytest.fixture()
def media(app):
    """A real media server on the app's Redis."""
    handle = start_in_thread(settings_for(app, port=0))
    yield handle
    handle.stop()


def interviewer_token(client, user: User, room_url: str) -> str:
    as_user(client, user)
    return TOKEN.search(client.get(room_url).get_data(as_text=True)).group(1)


def candidate_token(client, w, interview) -> str:
    """The candidate waits in the lobby, the owner admits them, their next poll has a token."""
    room_url = f"/video/interviews/{interview.id}/room"
    lobby_url = f"/video/interviews/{interview.id}/lobby"
    as_user(client, w["candidate"])
    assert client.get(lobby_url).get_json() == {"admitted": False}
    as_user(client, w["owner"])
    client.post(
        f"/video/interviews/{interview.id}/admit",
        data={"csrf_token": csrf_token(client, room_url)},
        headers={"Accept": "application/json"},
    )
    as_user(client, w["candidate"])
    return client.get(lobby_url).get_json()["token"]


async def in_call(media, interview, user: User, token: str) -> ClientPeer:
    peer = ClientPeer(str(user.id), [AudioStreamTrack()])
    assert await peer.join(f"{media.url}/video/rooms/{interview.room_id}/offer", token) == 200
    await peer.wait_message(lambda m: m["type"] == "welcome")
    return peer


def test_a_member_removed_from_the_company_is_hung_up_on(app, client, media, run):
    w = world()
    interview = scheduled(client, w)
    room_url = f"/video/interviews/{interview.id}/room"
    owner_token = interviewer_token(client, w["owner"], room_url)
    colleague_token = interviewer_token(client, w["colleague"], room_url)
    # Where the colleague's page sends them once hung up on, in place of the interview.
    way_out = WAY_OUT.search(client.get(room_url).get_data(as_text=True)).group(1)

    async def scenario():
        owner = await in_call(media, interview, w["owner"], owner_token)
        colleague = await in_call(media, interview, w["colleague"], colleague_token)

        as_user(client, w["owner"])
        member = db.session.scalars(
            sa.select(EmployerMember).where(EmployerMember.user_id == w["colleague"].id)
        ).one()
        removed = post_form(
            client, f"/employers/mine/members/{member.id}/remove", {}, token_from=room_url
        )
        assert removed.status_code in (302, 303)

        await hung_up_on(colleague, "removed")
        await still_in_call(owner)
        assert media.sfu.status()["participants"] == 1
        for peer in (owner, colleague):
            await peer.close()

    run(scenario())
    as_user(client, w["colleague"])
    assert client.get(f"/video/interviews/{interview.id}").status_code == 404
    assert client.get(way_out, follow_redirects=True).status_code == 200


def test_erasing_accounts_in_bulk_hangs_up_on_each_of_them_at_once(app, client, media, run):
    w = world()
    interview = scheduled(client, w)
    room_url = f"/video/interviews/{interview.id}/room"
    tokens = {
        "owner": interviewer_token(client, w["owner"], room_url),
        "colleague": interviewer_token(client, w["colleague"], room_url),
        "candidate": candidate_token(client, w, interview),
    }
    erased = (w["colleague"], w["candidate"])

    async def scenario():
        peers = {who: await in_call(media, interview, w[who], tokens[who]) for who in tokens}

        # Both grace periods are over: the hourly sweep erases the two accounts.
        db.session.execute(
            sa.update(User)
            .where(User.id.in_([user.id for user in erased]))
            .values(delete_after=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
        assert sweep()["erased"] == 2

        await hung_up_on(peers["colleague"], "erased")
        await hung_up_on(peers["candidate"], "erased")
        await still_in_call(peers["owner"])
        assert media.sfu.status()["participants"] == 1
        for peer in peers.values():
            await peer.close()

    run(scenario())
