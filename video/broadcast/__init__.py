"""Live broadcasts on the media server: WHIP ingest and HLS packaging.

A broadcast has one publisher (a browser or OBS/GStreamer over WHIP, RFC 9725) and any number of
viewers, who never talk to the media server: they read HLS playlists and segments from a storage
folder that any static server or CDN can multiply.

- :mod:`.tokens` — the publisher's bearer token (which broadcast, which storage key).
- :mod:`.whip` — ``POST``/``DELETE`` of the WHIP resource on the media server's aiohttp app.
- :mod:`.packager` — one per publishing session: reads the remote tracks and feeds the writer
  from a thread of its own (encoding and file writes stay off the event loop). H.264 arrives
  and leaves undecoded; VP8 is decoded once and encoded once to H.264 — one transcode per
  broadcast, never per viewer. Opus becomes AAC (HLS players do not take Opus in MPEG-TS).
- :mod:`.hls` — cuts MPEG-TS segments at keyframes and writes the live, audio-only and replay
  playlists with atomic renames, so a static server never serves half a file.
"""
