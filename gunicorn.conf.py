"""gunicorn's settings for Rakor, read from the working directory (the image's /app, or a
checkout): its logs pass through core.logs, which redacts the secrets in addresses (the access
log's request line and Referer would otherwise print working answer and operator links)."""

logger_class = "core.logs.GunicornLogger"

# gunicorn's runtime control socket (gunicornc), which Rakor does not use: without this, every
# gunicorn on a machine shares $HOME/.gunicorn/gunicorn.ctl, and the image's user, whose home
# is not writable, gets a warning at each start.
control_socket_disable = True
