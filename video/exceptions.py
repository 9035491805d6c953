"""Errors raised by the video package; each maps to one HTTP status in :mod:`video.http_app`."""


class VideoError(Exception):
    """Base class for video errors."""


class TokenError(VideoError):
    """The token is not valid for this room (bad signature, expired, or another room). -> 403"""


class TokenExpired(TokenError):
    """The token's signature is fine but it is older than its ttl. -> 403"""


class TokenWrongRoom(TokenError):
    """The token was issued for another room. -> 403"""


class RoomNotFound(VideoError):
    """No such room in the registry (never created, or expired). -> 404"""


class RoomFull(VideoError):
    """The room already holds ``capacity`` distinct participants. -> 409"""


class BadRequest(VideoError):
    """Malformed signaling input. -> 400"""


class TooLarge(BadRequest):
    """The request or its SDP is bigger than a real offer ever is. -> 413"""


class AccessEnded(TokenError):
    """The token is genuine, but its holder may no longer join this room (removed from the
    employer, the interview moved or ended): the app let their access lapse. -> 403"""


class NoMediaServer(VideoError):
    """No live media server is registered in Redis to place a room on. -> 503"""
