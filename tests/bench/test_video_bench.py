"""``yunpin bench video`` end to end at its smallest: real media-server processes, real peers."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bench.media_servers import drops_between
from bench.video import bench_command

CONTRACT_KEYS = {
    # the keys the issue names (kept), plus the steady joins from the shared client process
    "rooms",
    "servers",
    "rooms_ok",
    "first_frame_ms_p95",
    "first_frame_ms_p95_steady",
    "first_frame_ms_p95_steady_shared",
    "recv_fps_min",
    "server_cpu_percent",
    "client_cpu_percent",
    "server_rtcp_per_s",
    "client_rtcp_per_s",
    "server_udp_drops",
    "client_udp_drops",
    "client_cpu_percent_each",
    "client_udp_drops_each",
    "client_loop_lag_ms_p95_each",
    "client_real_decoders",
    "client_connections_lost",
    "server_participants",
    "server_loop_lag_ms_p95_each",
    "load_avg_1m",
    "audio",
    "offer",
}


def test_one_room_reports_every_phase_with_the_steady_joins_from_their_own_process():
    result = CliRunner().invoke(bench_command, ["--rooms", "1", "--seconds", "1", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert set(figures) >= CONTRACT_KEYS
    assert (figures["rooms"], figures["servers"], figures["offer"]) == (1, 1, "sendrecv")
    # One client process for the room, one for the steady joins; the receivers never decoded.
    assert figures["client_processes"] == 2
    assert len(figures["client_cpu_percent_each"]) == 2
    assert figures["client_real_decoders"] == 0
    # The call held through the window: both peers connected at both ends, and drops are
    # counts (a socket closed meanwhile is left out, not subtracted).
    assert (figures["client_connections_lost"], figures["server_participants"]) == (0, 2)
    assert figures["server_udp_drops"] >= 0 and figures["client_udp_drops"] >= 0
    assert len(figures["server_loop_lag_ms_p95_each"]) == 1
    assert figures["server_loop_lag_ms_p95_each"][0] >= 0
    # Both receivers of the room joined again from the joiner process and got video there.
    assert figures["first_frame_ms_p95_steady"] > 0
    assert figures["first_frame_ms_p95_steady_shared"] > 0


def test_udp_drops_between_readings_leave_out_sockets_closed_meanwhile():
    before = {"101": 7, "102": 30}  # 102 closes during the window
    after = {"101": 9, "103": 4}  # 103 opened during it
    assert drops_between(before, after) == 2 + 4
