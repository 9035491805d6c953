"""The app's side of the media server: its settings, the embedded runner and the signaling proxy."""
