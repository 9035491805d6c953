"""The app's side of search: documents from rows, the backend binding, sync jobs and `yunpin search`."""
