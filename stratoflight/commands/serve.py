"""``strato serve``: the Tawhiri-compatible API and the map app (over :mod:`stratoflight.web`)."""

from __future__ import annotations

from pathlib import Path

import typer

from localization import N_, _, configure
from stratoflight.errors import UserError, user_errors
from stratoflight.options import open_winds

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``strato serve`` to the ``strato`` app."""

    @app.command(help=N_("Serve predictions (Tawhiri API v1 and more) and the offline map app."))
    def serve(
        winds: list[Path] | None = typer.Option(  # noqa: B008
            None,
            "--winds",
            help=N_(
                "Atmosphere file(s) (ERA5/GFS NetCDF or GRIB); repeat for several. Without "
                "it the built-in SYNTHETIC sample is used."
            ),
        ),
        db: Path | None = typer.Option(  # noqa: B008
            None, "--db", help=N_("Flight-log database to show live (opened read-only).")
        ),
        host: str = typer.Option(
            "127.0.0.1",
            "--host",
            help=N_(
                "Address to listen on. Default: this machine only. Another address (e.g. "
                "0.0.0.0 for the chase-car LAN) needs the access token printed at start."
            ),
        ),
        port: int = typer.Option(8080, "--port", help=N_("TCP port (0: any free port).")),
        max_members: int = typer.Option(
            200, "--max-members", help=N_("Largest ensemble one request may ask for.")
        ),
    ) -> None:
        """Serve predictions (Tawhiri API v1 and more) and the offline map app."""
        with user_errors():
            from stratoflight.web.app import ServerContext, build_app
            from stratoflight.web.server import bind, is_loopback, make_token, serve, warm_up

            if not 0 <= port <= 65535:
                raise UserError(_("--port must be 0..65535, not {port}").format(port=port))
            if max_members < 2:
                raise UserError(
                    _("--max-members must be at least 2, not {max_members}").format(
                        max_members=max_members
                    )
                )
            if db is not None and (db.exists() or db.is_symlink()):
                # a log that does not exist yet appears when 'strato log' starts writing it;
                # an existing file must be one of ours (checked read-only, never changed)
                from flightlog.opening import open_for_reading

                open_for_reading(db).close()
            atmosphere = open_winds(winds)
            token = None if is_loopback(host) else make_token()
            try:
                sock = bind(host, port)
            except OSError as exc:
                raise UserError(
                    _(
                        "cannot listen on {host}:{port} ({value}); choose another --port or --host"
                    ).format(host=host, port=port, value=exc.strerror or exc)
                ) from exc
            warm_up(atmosphere)
            context = ServerContext(atmosphere, db_path=db, token=token, max_members=max_members)
            bound_host, bound_port = sock.getsockname()[:2]
            shown = f"[{bound_host}]" if ":" in bound_host else bound_host
            base = f"http://{shown}:{bound_port}/"
            if atmosphere.synthetic:
                typer.echo(_("no --winds: flying on the built-in SYNTHETIC sample atmosphere"))
            if token is None:
                typer.echo(_("listening on this machine only (--host to share on a network)"))
                typer.echo(f"Tawhiri API: {base}api/v1/")
                typer.echo(_("map app: {url}").format(url=base))
            else:
                typer.echo(
                    _("listening on {host}: every request needs the access token {token}").format(
                        host=host, token=token
                    )
                )
                typer.echo(f"Tawhiri API: {base}api/v1/?token={token}&...")
                typer.echo(_("map app: {url}").format(url=f"{base}?token={token}"))
            typer.echo(_("press Ctrl-C to stop"), err=True)
            # The HTTP answers are a machine interface: English, UTC, SI, whatever the
            # terminal's language. The map app translates in the browser (strings.js).
            configure("en", "UTC")
            serve(build_app(context), sock)
