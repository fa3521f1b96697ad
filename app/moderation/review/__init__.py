"""The review page: server-rendered pages where moderators and admins work."""
