"""Who may see and change what on this server: the password gate, viewer mode and the limit on heavy work."""
